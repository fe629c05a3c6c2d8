/**
 * The NEOWISE-like source record as proto2 (spec: benchmark-schemas.md §1). Kept as a TS string because tsc
 * does not copy .proto files; the shared spec's table is its source.
 */
export const NEOWISE_PROTO = `// NEOWISE-like single-exposure source record (spec: benchmark-schemas.md §1), modelled on IRSA
// neowiser_p1bs_psd. proto2: every scalar is optional, so absent values are nulls in the catalog.
syntax = "proto2";

package neowise;

message NeowiseSource {
  // Stands in for the w1/w2 aperture magnitudes; nested so one DescriptorProto carries it.
  message Aperture {
    optional int32 band = 1;
    optional int32 idx = 2;
    optional float mag = 3;
    optional float sigmag = 4;
    optional int32 flg = 5;
  }

  optional string source_id = 1;
  optional int64 cntr = 2;
  optional double ra = 3;
  optional double dec = 4;
  optional double sigra = 5;
  optional double sigdec = 6;
  optional double sigradec = 7;
  optional double glon = 8;
  optional double glat = 9;
  optional double elon = 10;
  optional double elat = 11;
  optional double x = 12;
  optional double y = 13;
  optional double z = 14;
  optional float wx = 15;
  optional float wy = 16;
  optional float w1sky = 17;
  optional float w1sigsk = 18;
  optional float w1conf = 19;
  optional float w2sky = 20;
  optional float w2sigsk = 21;
  optional float w2conf = 22;
  optional float w1fitr = 23;
  optional float w2fitr = 24;
  optional float w1snr = 25;
  optional float w2snr = 26;
  optional double w1flux = 27;
  optional double w1sigflux = 28;
  optional double w2flux = 29;
  optional double w2sigflux = 30;
  optional float w1mpro = 31;
  optional float w1sigmpro = 32;
  optional float w1rchi2 = 33;
  optional float w2mpro = 34;
  optional float w2sigmpro = 35;
  optional float w2rchi2 = 36;
  optional float rchi2 = 37;
  optional int32 nb = 38;
  optional int32 na = 39;
  optional float w1sat = 40;
  optional float w2sat = 41;
  optional int32 satnum = 42;
  optional string cc_flags = 43;
  optional int32 det_bit = 44;
  optional string ph_qual = 45;
  optional sint32 sso_flg = 46;
  optional int32 qual_frame = 47;
  optional float qi_fact = 48;
  optional float saa_sep = 49;
  optional bool moon_masked = 50;
  optional float w1frtr = 51;
  optional float w2frtr = 52;
  optional string frame_id = 53;
  optional string scan_id = 54;
  optional int32 frame_num = 55;
  optional double mjd = 56;
  optional int64 allwise_cntr = 57;
  optional float r_allwise = 58;
  optional float pa_allwise = 59;
  optional sint32 n_allwise = 60;
  optional fixed64 htm20 = 61;
  optional sint64 spt_ind = 62;
  repeated Aperture aperture = 63;
}
`;
