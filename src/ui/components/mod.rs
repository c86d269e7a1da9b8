//! The page's building blocks, one component per file. Data comes in as props, user actions go out as
//! `Callback`s; none of them runs the engine.

pub mod scenario_picker;
