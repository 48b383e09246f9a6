//! The one encoder of user data lives in its own crate, `tools/yaml_encode`, so that the
//! values overlay generator (`tools/overlay`) writes user data through the same code; this
//! module keeps the composer's path to it (`encode::yaml_data`).

pub use yaml_encode::yaml_data;
