//! stub
use yew::prelude::*;
pub const APP_TITLE: &str = "podflow";
#[component]
pub fn App() -> Html {
    html! {}
}
