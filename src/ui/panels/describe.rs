//! The describe inspector: `kubectl describe pod` of the followed pod at the view's position, as kubectl
//! v1.36 prints it (from `engine::describe`), or kubectl's NotFound error before the pod is stored.

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::view_state::ViewState;

use super::lists_model::describe_focused;

#[derive(Properties, PartialEq)]
pub struct DescribePanelProps {
    pub view: Rc<ViewState>,
}

#[component]
pub fn DescribePanel(props: &DescribePanelProps) -> Html {
    let _span = crate::ui::profile::Span::new(|| "DescribePanel".into());
    let described = use_memo(props.view.clone(), |view| describe_focused(view));
    html! {
        <section class="pf-inspector-panel" aria-labelledby="pf-describe-title" data-testid="pf-describe">
            <h2 class="pf-panel-title" id="pf-describe-title">{ "Describe" }</h2>
            { match described.as_ref() {
                None => html! {
                    <p class="pf-muted">{ "No pod yet: apply a manifest, or pick a pod in the cluster." }</p>
                },
                Some(described) => html! {
                    <>
                        <p><code class="pf-mono">{ described.command.clone() }</code></p>
                        <pre class={classes!("pf-terminal", "pf-mono", (!described.found).then_some("pf-is-error"))}
                             tabindex="0" aria-label="kubectl describe pod output"
                             data-testid="pf-describe-text">{ described.text.clone() }</pre>
                    </>
                },
            } }
        </section>
    }
}
