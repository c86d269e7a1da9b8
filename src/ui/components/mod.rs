//! The page's building blocks, one component per file. Data comes in as props, user actions go out as
//! `Callback`s; none of them runs the engine.

pub mod caption;
pub mod controls;
pub mod flow_diagram;
pub mod persist_actions;
pub mod scenario_picker;
pub mod share_menu;
pub mod status_icon;
pub mod timeline;
