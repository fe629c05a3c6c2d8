/**
 * The .proto schemas of the differential and fuzz tests. Together they cover every scalar type and enums,
 * proto2 (optional with and without defaults, required) and proto3 (implicit and `optional`), nested and
 * repeated messages, packed and unpacked repeated scalars, maps with string and integer keys, and oneofs.
 * Field numbers 900..999 and above 100,000 are never used: the tests put unknown fields there.
 */

/** proto2: every type, defaults, required, nested/repeated messages, both repeated encodings, maps, a oneof. */
export const PROTO2_ALL = `syntax = "proto2";
package p2;

message AllTypes {
  enum Color { RED = 0; GREEN = 1; BLUE = 2; NEGATIVE = -3; }
  message Leaf {
    optional double d = 1;
    optional bool b = 2;
    optional string s = 3;
  }
  message Inner {
    optional int32 a = 1;
    optional string s = 2;
    repeated int64 r = 3;
    optional Leaf leaf = 4;
    optional sint64 z = 5 [default = -5];
  }
  optional double f_double = 1;
  optional float f_float = 2;
  optional int32 f_int32 = 3;
  optional int64 f_int64 = 4;
  optional uint32 f_uint32 = 5;
  optional uint64 f_uint64 = 6;
  optional sint32 f_sint32 = 7;
  optional sint64 f_sint64 = 8;
  optional fixed32 f_fixed32 = 9;
  optional fixed64 f_fixed64 = 10;
  optional sfixed32 f_sfixed32 = 11;
  optional sfixed64 f_sfixed64 = 12;
  optional bool f_bool = 13;
  optional string f_string = 14;
  optional bytes f_bytes = 15;
  optional Color f_enum = 16;
  optional int32 d_int32 = 17 [default = -7];
  optional string d_string = 18 [default = "hello"];
  optional double d_double = 19 [default = 2.5];
  optional bool d_bool = 20 [default = true];
  optional Color d_enum = 21 [default = BLUE];
  optional int64 d_int64 = 22 [default = -9000000000];
  optional float d_float = 23 [default = 1.5];
  optional uint32 d_uint32 = 24 [default = 4000000000];
  required int32 req = 25;
  required string req_s = 26;
  optional Inner inner = 27;
  repeated Inner inners = 28;
  repeated int32 r_int32 = 29;
  repeated sint64 r_sint64 = 30 [packed = true];
  repeated double r_double = 31;
  repeated float r_float = 32 [packed = true];
  repeated bool r_bool = 33 [packed = true];
  repeated fixed64 r_fixed64 = 34;
  repeated string r_string = 35;
  repeated bytes r_bytes = 36;
  repeated Color r_enum = 37 [packed = true];
  repeated uint64 r_uint64 = 38;
  repeated sfixed32 r_sfixed32 = 39 [packed = true];
  repeated int64 r_int64 = 40 [packed = true];
  map<string, int32> m_str_int = 41;
  map<int64, string> m_int64_str = 42;
  map<int32, Inner> m_int_msg = 43;
  map<string, Color> m_str_enum = 44;
  map<uint32, bytes> m_u32_bytes = 45;
  map<sint32, double> m_s32_double = 46;
  oneof choice {
    int32 c_int = 47;
    string c_str = 48;
    Leaf c_msg = 49;
    uint64 c_u64 = 50;
  }
  optional Leaf leaf = 51;
}
`;

/** proto3: every type implicit and `optional`, packed-by-default and [packed = false] repeated, maps, oneofs. */
export const PROTO3_ALL = `syntax = "proto3";
package p3;

message Scalars {
  enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; KIND_B = 7; KIND_NEG = -1; }
  message Point {
    int32 x = 1;
    int32 y = 2;
    optional string label = 3;
    repeated sint32 tags = 4;
  }
  double f_double = 1;
  float f_float = 2;
  int32 f_int32 = 3;
  int64 f_int64 = 4;
  uint32 f_uint32 = 5;
  uint64 f_uint64 = 6;
  sint32 f_sint32 = 7;
  sint64 f_sint64 = 8;
  fixed32 f_fixed32 = 9;
  fixed64 f_fixed64 = 10;
  sfixed32 f_sfixed32 = 11;
  sfixed64 f_sfixed64 = 12;
  bool f_bool = 13;
  string f_string = 14;
  bytes f_bytes = 15;
  Kind f_enum = 16;
  optional double o_double = 17;
  optional float o_float = 18;
  optional int32 o_int32 = 19;
  optional int64 o_int64 = 20;
  optional uint32 o_uint32 = 21;
  optional uint64 o_uint64 = 22;
  optional sint32 o_sint32 = 23;
  optional sint64 o_sint64 = 24;
  optional fixed32 o_fixed32 = 25;
  optional fixed64 o_fixed64 = 26;
  optional sfixed32 o_sfixed32 = 27;
  optional sfixed64 o_sfixed64 = 28;
  optional bool o_bool = 29;
  optional string o_string = 30;
  optional bytes o_bytes = 31;
  optional Kind o_enum = 32;
  Point point = 33;
  repeated Point points = 34;
  repeated int32 r_int32 = 35;
  repeated int32 r_int32_unpacked = 36 [packed = false];
  repeated uint64 r_uint64 = 37;
  repeated sint64 r_sint64_unpacked = 38 [packed = false];
  repeated fixed32 r_fixed32 = 39;
  repeated sfixed64 r_sfixed64_unpacked = 40 [packed = false];
  repeated double r_double_unpacked = 41 [packed = false];
  repeated float r_float = 42;
  repeated bool r_bool_unpacked = 43 [packed = false];
  repeated Kind r_enum = 44;
  repeated string r_string = 45;
  repeated bytes r_bytes = 46;
  map<string, string> m_str_str = 47;
  map<int32, Point> m_int_point = 48;
  map<uint64, int64> m_u64_i64 = 49;
  map<fixed32, float> m_f32_float = 50;
  map<sfixed64, bool> m_sf64_bool = 51;
  map<string, Kind> m_str_kind = 52;
  oneof shape {
    double radius = 53;
    Point corner = 54;
    bytes blob = 55;
    Kind shape_kind = 56;
  }
  oneof other {
    sint64 o_sint = 57;
    string o_text = 58;
  }
}
`;

/** proto3: messages nested five deep, repeated at several levels. */
export const PROTO3_DEEP = `syntax = "proto3";
package deep;

message Root {
  message L1 {
    message L2 {
      message L3 {
        message L4 {
          int64 v = 1;
          repeated string s = 2;
        }
        L4 l4 = 1;
        repeated L4 l4s = 2;
        optional uint32 n = 3;
      }
      repeated L3 l3s = 1;
      L3 l3 = 2;
    }
    L2 l2 = 1;
    repeated L2 l2s = 2;
    fixed64 id = 3;
  }
  L1 l1 = 1;
  repeated L1 l1s = 2;
  string name = 3;
}
`;

/** The NEOWISE-like record of the benchmark spec (shared through @lakestream/testkit). */
export { NEOWISE_PROTO as NEOWISE } from '@lakestream/testkit';
