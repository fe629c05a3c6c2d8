/** The Zerobus wire protocol as the node reads it: the gRPC service, request decoding, Arrow IPC checks. */
export {
  checkBatchMessage,
  checkSchemaMessage,
  decodeArrowRequest,
  frameIpcMessage,
  ipcStream,
} from './flight/arrow-ipc.js';
export { decodeEphemeralRequest, type StreamRequest } from './zerobus/decode-request.js';
export { zerobusService } from './zerobus/proto.js';
