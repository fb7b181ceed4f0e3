//! Reading codes: frame sources (webcam, image-folder replay), decoding, the scan worker
//! threads, and keyboard-wedge scanners. Meaning of what is read lives in `domain::scan`.

pub mod camera;
pub mod databar;
pub mod decode;
mod dm;
pub mod frame;
pub mod lines;
pub mod omni;
pub mod regions;
pub mod replay;
pub mod source;
pub mod upcean;
pub mod wedge;
pub mod worker;

pub use decode::{Budget, Decoded, Decoder, Detection, Effort};
pub use frame::{FrameError, LumaFrame};
pub use source::{CameraSpec, FrameSource, SourceError};
pub use worker::{FrameBudget, Rearm, ScanEvent, ScanRead, ScanWorker, WorkerOptions};
