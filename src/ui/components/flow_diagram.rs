//! The flow diagram: the seed's end-to-end diagram as inline SVG, with a token per pod.
//!
//! Two layouts of the same boxes: a wide one (three rows that snake: kubectl → API Server → etcd, then
//! Pod Pending → kube-scheduler → nodeName, then kubelet → Running) and a tall one (one column) that CSS
//! shows below 640 px. Each box is a focusable button that opens its inspector tab; the active box is
//! highlighted, a box where a pod stopped is red with a cross and a short reason, and tokens move
//! between boxes with a CSS transition (off under `prefers-reduced-motion`).

use std::collections::BTreeMap;
use std::rc::Rc;

use yew::prelude::*;

use crate::ui::components::status_icon::{status_kind, status_shape, StatusKind};
use crate::ui::story::{FlowGroup, FlowNode, PodToken};
use crate::ui::view_state::InspectorTab;

/// A box's place in a layout (SVG user units).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoxGeom {
    pub node: FlowNode,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl BoxGeom {
    fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
    fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }
}

/// A frame around a component's boxes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GroupGeom {
    pub group: FlowGroup,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// One layout of the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub boxes: Vec<BoxGeom>,
    pub groups: Vec<GroupGeom>,
}

const BOX_H: f64 = 46.0;
const FRAME_PAD: f64 = 12.0;
const FRAME_LABEL: f64 = 26.0;

impl Layout {
    /// Three snaking rows, 1000 units wide.
    pub fn wide() -> Layout {
        let w = 112.0;
        let gap = 14.0;
        let row = |i: f64| 40.0 + i * 112.0;
        let mut boxes = vec![
            BoxGeom {
                node: FlowNode::Kubectl,
                x: 8.0,
                y: row(0.0),
                w: 96.0,
                h: BOX_H,
            },
            // The controllers are kubectl's fellow clients: under it, between the frames, with an
            // elbow up into the API server.
            BoxGeom {
                node: FlowNode::Controllers,
                x: 8.0,
                y: row(0.0) + BOX_H + 16.0,
                w: 96.0,
                h: 34.0,
            },
        ];
        let api = [
            FlowNode::Authn,
            FlowNode::Authz,
            FlowNode::Admission,
            FlowNode::Validation,
            FlowNode::EtcdStore,
        ];
        for (i, node) in api.into_iter().enumerate() {
            boxes.push(BoxGeom {
                node,
                x: 140.0 + i as f64 * (w + gap),
                y: row(0.0),
                w,
                h: BOX_H,
            });
        }
        boxes.push(BoxGeom {
            node: FlowNode::Etcd,
            x: 820.0,
            y: row(0.0),
            w: 172.0,
            h: BOX_H,
        });
        boxes.push(BoxGeom {
            node: FlowNode::Pending,
            x: 820.0,
            y: row(1.0),
            w: 172.0,
            h: BOX_H,
        });
        // The scheduler row runs right to left, under the API server.
        let scheduler = [
            FlowNode::Queue,
            FlowNode::Filter,
            FlowNode::Score,
            FlowNode::Bind,
        ];
        for (i, node) in scheduler.into_iter().enumerate() {
            boxes.push(BoxGeom {
                node,
                x: 644.0 - i as f64 * (w + gap),
                y: row(1.0),
                w,
                h: BOX_H,
            });
        }
        // nodeName sits right above Pull image, so the edge between the rows is straight.
        boxes.push(BoxGeom {
            node: FlowNode::NodeName,
            x: 8.0,
            y: row(1.0),
            w: 136.0,
            h: BOX_H,
        });
        let kubelet = [FlowNode::Pull, FlowNode::Create, FlowNode::Start];
        for (i, node) in kubelet.into_iter().enumerate() {
            boxes.push(BoxGeom {
                node,
                x: 20.0 + i as f64 * (w + gap),
                y: row(2.0),
                w,
                h: BOX_H,
            });
        }
        boxes.push(BoxGeom {
            node: FlowNode::Running,
            x: 436.0,
            y: row(2.0),
            w: 140.0,
            h: BOX_H,
        });
        let groups = group_frames(&boxes);
        Layout {
            width: 1000.0,
            height: row(2.0) + BOX_H + 16.0,
            boxes,
            groups,
        }
    }

    /// One column, 360 units wide, for narrow screens.
    pub fn tall() -> Layout {
        let h = 40.0;
        let gap = 12.0;
        let mut y = 8.0;
        let mut boxes: Vec<BoxGeom> = Vec::new();
        let mut previous_group = FlowGroup::None;
        for node in FlowNode::ALL {
            // kubectl and the controllers share the first row: two clients of the API server.
            if node == FlowNode::Controllers {
                if let Some(kubectl) = boxes.last_mut() {
                    kubectl.w = 134.0;
                    let y = kubectl.y;
                    boxes.push(BoxGeom {
                        node,
                        x: 40.0 + 146.0,
                        y,
                        w: 134.0,
                        h,
                    });
                }
                continue;
            }
            let group = node.group();
            if group != previous_group {
                if previous_group != FlowGroup::None {
                    y += FRAME_PAD;
                }
                if group != FlowGroup::None {
                    y += FRAME_LABEL + 4.0;
                }
            }
            let inset = if group == FlowGroup::None { 0.0 } else { 14.0 };
            boxes.push(BoxGeom {
                node,
                x: 40.0 + inset,
                y,
                w: 280.0 - 2.0 * inset,
                h,
            });
            y += h + gap;
            previous_group = group;
        }
        let groups = group_frames(&boxes);
        Layout {
            width: 360.0,
            height: y,
            boxes,
            groups,
        }
    }

    pub fn geom(&self, node: FlowNode) -> Option<&BoxGeom> {
        self.boxes.iter().find(|b| b.node == node)
    }

    /// The connector from one box to the next, as an SVG path: straight within a row, an elbow
    /// between rows.
    pub fn edge(&self, from: FlowNode, to: FlowNode) -> Option<String> {
        let a = self.geom(from)?;
        let b = self.geom(to)?;
        let same_row = (a.cy() - b.cy()).abs() < 1.0;
        Some(if same_row {
            if b.x >= a.x {
                format!("M{},{} H{}", a.x + a.w, a.cy(), b.x)
            } else {
                format!("M{},{} H{}", a.x, a.cy(), b.x + b.w)
            }
        } else if b.y + b.h < a.y {
            // Up into a box above: along from the side, then up to its bottom.
            format!("M{},{} H{} V{}", a.x + a.w, a.cy(), b.cx(), b.y + b.h)
        } else {
            let mid = (a.y + a.h + b.y) / 2.0;
            format!("M{},{} V{} H{} V{}", a.cx(), a.y + a.h, mid, b.cx(), b.y)
        })
    }
}

/// The diagram's arrows: the pod's path from kubectl to Running, and the controllers' way into the
/// API server.
pub fn flow_edges() -> Vec<(FlowNode, FlowNode)> {
    let path: Vec<FlowNode> = FlowNode::ALL
        .into_iter()
        .filter(|n| *n != FlowNode::Controllers)
        .collect();
    let mut edges: Vec<(FlowNode, FlowNode)> = path.windows(2).map(|w| (w[0], w[1])).collect();
    edges.push((FlowNode::Controllers, FlowNode::Authn));
    edges
}

/// The frames around the API server, scheduler and kubelet boxes.
fn group_frames(boxes: &[BoxGeom]) -> Vec<GroupGeom> {
    [
        FlowGroup::ApiServer,
        FlowGroup::Scheduler,
        FlowGroup::Kubelet,
    ]
    .into_iter()
    .filter_map(|group| {
        let members: Vec<&BoxGeom> = boxes.iter().filter(|b| b.node.group() == group).collect();
        let x0 = members.iter().map(|b| b.x).reduce(f64::min)?;
        let y0 = members.iter().map(|b| b.y).reduce(f64::min)?;
        let x1 = members.iter().map(|b| b.x + b.w).reduce(f64::max)?;
        let y1 = members.iter().map(|b| b.y + b.h).reduce(f64::max)?;
        Some(GroupGeom {
            group,
            x: x0 - FRAME_PAD,
            y: y0 - FRAME_LABEL,
            w: x1 - x0 + 2.0 * FRAME_PAD,
            h: y1 - y0 + FRAME_LABEL + FRAME_PAD,
        })
    })
    .collect()
}

/// Where the `index`-th of `count` tokens at a box sits: spread along the box's top edge.
pub fn token_position(geom: &BoxGeom, index: usize, count: usize) -> (f64, f64) {
    let spacing = 22.0_f64.min(geom.w / (count.max(1) as f64 + 1.0));
    let offset = (index as f64 - (count.saturating_sub(1)) as f64 / 2.0) * spacing;
    (geom.cx() + offset, geom.y)
}

#[derive(Properties, PartialEq)]
pub struct FlowDiagramProps {
    /// The box the current entry lights up.
    pub active: Option<FlowNode>,
    pub tokens: Rc<Vec<PodToken>>,
    pub selected_pod: Option<String>,
    /// The node the selected pod is bound to, for the kubelet frame's label.
    pub kubelet_node: Option<AttrValue>,
    /// The inspector tab shown now (its box is marked as the open one).
    pub tab: InspectorTab,
    pub on_open: Callback<InspectorTab>,
    pub on_select_pod: Callback<String>,
}

#[component]
pub fn FlowDiagram(props: &FlowDiagramProps) -> Html {
    let _span = crate::ui::profile::Span::new(|| "FlowDiagram".into());
    let wide = use_memo((), |_| Layout::wide());
    let tall = use_memo((), |_| Layout::tall());
    html! {
        <figure class="pf-flow" data-testid="flow-diagram">
            { render_layout(&wide, "wide", props) }
            { render_layout(&tall, "tall", props) }
            <figcaption class="pf-visually-hidden">
                { "The Pod's journey: kubectl, the API server's stages, etcd, the scheduler's stages, the API server setting nodeName, the kubelet's stages, Running." }
            </figcaption>
        </figure>
    }
}

fn group_label(group: FlowGroup, kubelet_node: Option<&str>) -> String {
    match group {
        FlowGroup::ApiServer => "API Server".into(),
        FlowGroup::Scheduler => "kube-scheduler".into(),
        FlowGroup::Kubelet => match kubelet_node {
            Some(node) => format!("kubelet on {node}"),
            None => "kubelet".into(),
        },
        FlowGroup::None => String::new(),
    }
}

fn render_layout(layout: &Layout, variant: &'static str, props: &FlowDiagramProps) -> Html {
    let marker = format!("pf-arrow-{variant}");
    let marker_url = format!("url(#{marker})");
    let view_box = format!("0 0 {} {}", layout.width, layout.height);
    let edges = flow_edges()
        .into_iter()
        .filter_map(|(a, b)| layout.edge(a, b))
        .map(|d| html! { <path class="pf-edge" d={d} marker-end={marker_url.clone()} /> });
    let groups = layout.groups.iter().map(|g| {
        html! {
            <g class="pf-group">
                <rect x={g.x.to_string()} y={g.y.to_string()} width={g.w.to_string()} height={g.h.to_string()} rx="10" />
                <text x={(g.x + g.w - 10.0).to_string()} y={(g.y + 13.0).to_string()} text-anchor="end">
                    { group_label(g.group, props.kubelet_node.as_deref()) }
                </text>
            </g>
        }
    });
    let boxes = layout.boxes.iter().map(|b| render_box(b, props));
    // Tokens: keyed by pod so each keeps its element and glides to its new place. Each token's place
    // among those at its box, counted in one pass (a cluster's run shows hundreds of tokens).
    let mut at_box: BTreeMap<FlowNode, usize> = BTreeMap::new();
    let places: Vec<usize> = props
        .tokens
        .iter()
        .map(|token| {
            let count = at_box.entry(token.node).or_default();
            *count += 1;
            *count - 1
        })
        .collect();
    let tokens = props
        .tokens
        .iter()
        .zip(places)
        .filter_map(|(token, index)| {
            let geom = layout.geom(token.node)?;
            let here = at_box.get(&token.node).copied().unwrap_or(1);
            let (x, y) = token_position(geom, index, here);
            let kind = if token.failure.is_some() {
                StatusKind::Failed
            } else {
                status_kind(&token.status)
            };
            let selected = props.selected_pod.as_deref() == Some(token.pod.as_str());
            Some(html! {
                <Token key={token.pod.clone()}
                       pod={AttrValue::from(token.pod.clone())}
                       title={AttrValue::from(format!("{}: {}", token.name, token.status))}
                       status={AttrValue::from(token.status.clone())}
                       kind={kind}
                       node={token.node}
                       x={x}
                       y={y}
                       selected={selected} />
            })
        });
    // One click handler for every token: the pod is the clicked token's `data-pod`.
    let on_token_click = {
        let on_select_pod = props.on_select_pod.clone();
        Callback::from(move |event: MouseEvent| {
            if let Some(pod) = clicked_data(&event, "[data-pod]", "data-pod") {
                on_select_pod.emit(pod);
            }
        })
    };
    html! {
        <svg class={classes!("pf-flow-svg", format!("pf-flow-svg--{variant}"))} data-layout={variant} viewBox={view_box} role="group" aria-label="Flow diagram" preserveAspectRatio="xMidYMin meet">
            <defs>
                <marker id={marker} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path class="pf-arrow-head" d="M0,0 L10,5 L0,10 z" />
                </marker>
            </defs>
            { for groups }
            { for edges }
            { for boxes }
            <g class="pf-tokens-layer" onclick={on_token_click}>{ for tokens }</g>
        </svg>
    }
}

#[derive(Properties, PartialEq)]
struct TokenProps {
    pod: AttrValue,
    /// `name: status`, the token's tooltip.
    title: AttrValue,
    status: AttrValue,
    kind: StatusKind,
    /// The box the token is at.
    node: FlowNode,
    x: f64,
    y: f64,
    selected: bool,
}

/// One pod's token. A component, so a step re-renders only the tokens whose pod moved or changed: a big
/// cluster's run shows hundreds of them. Only a token that moved to another box glides there
/// (`pf-token--glide`); tokens that only make room for a newcomer at their box step aside at once, as
/// hundreds of SVG transitions at a time are repainted on the main thread on every frame.
#[component]
fn Token(props: &TokenProps) -> Html {
    let TokenProps {
        pod,
        title,
        status,
        kind,
        node,
        x,
        y,
        selected,
    } = props;
    let last_node = use_mut_ref(|| *node);
    let moved_box = *last_node.borrow() != *node;
    *last_node.borrow_mut() = *node;
    html! {
        <g class={classes!("pf-token", kind.class(), selected.then_some("pf-token--selected"), moved_box.then_some("pf-token--glide"))}
           style={format!("transform: translate({x}px, {y}px)")}
           data-pod={pod.clone()}
           data-status={status.clone()}>
            <title>{ title.clone() }</title>
            if *selected {
                <circle class="pf-token-ring" r="13" />
            }
            { status_shape(*kind, 9.0) }
        </g>
    }
}

/// The `attribute` of the element matching `selector` that a click landed in (itself or an ancestor).
pub fn clicked_data(event: &MouseEvent, selector: &str, attribute: &str) -> Option<String> {
    let target: web_sys::Element = event.target_dyn_into()?;
    target
        .closest(selector)
        .ok()
        .flatten()?
        .get_attribute(attribute)
}

fn render_box(b: &BoxGeom, props: &FlowDiagramProps) -> Html {
    let node = b.node;
    let failure = props
        .tokens
        .iter()
        .filter_map(|t| t.failure.as_ref())
        .find(|f| f.node == node);
    let active = props.active == Some(node);
    let open = props.tab == node.tab();
    let tab = node.tab();
    let on_click = {
        let on_open = props.on_open.clone();
        Callback::from(move |_: MouseEvent| on_open.emit(tab))
    };
    let on_key = {
        let on_open = props.on_open.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" || event.key() == " " {
                event.prevent_default();
                event.stop_propagation();
                on_open.emit(tab);
            }
        })
    };
    let label_y = if failure.is_some() {
        b.y + b.h / 2.0 - 3.0
    } else {
        b.cy() + 5.0
    };
    let mut name = format!("{}: open the {} inspector", node.description(), tab.label());
    if let Some(f) = failure {
        name.push_str(&format!(". Stopped here: {}", f.reason));
    }
    if active {
        name.push_str(". Active step");
    }
    html! {
        <g class={classes!(
               "pf-node",
               active.then_some("pf-node--active"),
               failure.is_some().then_some("pf-node--failed"),
               open.then_some("pf-node--open"),
           )}
           role="button"
           tabindex="0"
           aria-label={name}
           data-node={node.id()}
           onclick={on_click}
           onkeydown={on_key}>
            <rect x={b.x.to_string()} y={b.y.to_string()} width={b.w.to_string()} height={b.h.to_string()} rx="8" />
            <text class="pf-node-label" x={b.cx().to_string()} y={label_y.to_string()} text-anchor="middle">{ node.label() }</text>
            if let Some(f) = failure {
                <text class="pf-node-reason" x={b.cx().to_string()} y={(b.y + b.h - 8.0).to_string()} text-anchor="middle">{ f.reason.clone() }</text>
                <g class="pf-node-cross" transform={format!("translate({},{})", b.x + b.w - 3.0, b.y + 3.0)}>
                    <circle r="8" />
                    <path d="M-4,-4 L4,4 M-4,4 L4,-4" />
                </g>
            }
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_place_every_box_once_in_both_layouts_without_overlap() {
        for layout in [Layout::wide(), Layout::tall()] {
            assert_eq!(layout.boxes.len(), FlowNode::ALL.len());
            for (i, a) in layout.boxes.iter().enumerate() {
                assert!(a.x >= 0.0 && a.x + a.w <= layout.width, "{:?} fits", a.node);
                assert!(
                    a.y >= 0.0 && a.y + a.h <= layout.height,
                    "{:?} fits",
                    a.node
                );
                for b in &layout.boxes[i + 1..] {
                    let apart = a.x + a.w <= b.x
                        || b.x + b.w <= a.x
                        || a.y + a.h <= b.y
                        || b.y + b.h <= a.y;
                    assert!(apart, "{:?} and {:?} overlap", a.node, b.node);
                }
            }
            assert_eq!(layout.groups.len(), 3);
        }
    }

    #[test]
    fn should_bring_the_controllers_into_the_api_server_beside_kubectl() {
        let edges = flow_edges();
        assert!(edges.contains(&(FlowNode::Kubectl, FlowNode::Authn)));
        assert!(edges.contains(&(FlowNode::Controllers, FlowNode::Authn)));
        assert_eq!(edges.len(), FlowNode::ALL.len() - 1);
        let wide = Layout::wide();
        // Out of the controllers' right side, along under the API server frame, up into AuthN.
        assert_eq!(
            wide.edge(FlowNode::Controllers, FlowNode::Authn).as_deref(),
            Some("M104,119 H196 V86")
        );
        let tall = Layout::tall();
        let (kubectl, controllers) = (
            tall.geom(FlowNode::Kubectl).unwrap(),
            tall.geom(FlowNode::Controllers).unwrap(),
        );
        assert_eq!(
            kubectl.y, controllers.y,
            "side by side in the narrow layout"
        );
    }

    #[test]
    fn should_connect_consecutive_boxes() {
        let layout = Layout::wide();
        assert_eq!(
            layout.edge(FlowNode::Kubectl, FlowNode::Authn).as_deref(),
            Some("M104,63 H140")
        );
        // etcd to Pod Pending goes down a row.
        assert!(layout
            .edge(FlowNode::Etcd, FlowNode::Pending)
            .is_some_and(|d| d.contains('V')));
    }

    #[test]
    fn should_spread_tokens_that_share_a_box() {
        let geom = BoxGeom {
            node: FlowNode::Filter,
            x: 0.0,
            y: 10.0,
            w: 100.0,
            h: 44.0,
        };
        assert_eq!(token_position(&geom, 0, 1), (50.0, 10.0));
        let (a, _) = token_position(&geom, 0, 2);
        let (b, _) = token_position(&geom, 1, 2);
        assert!(a < 50.0 && b > 50.0 && (b - a) >= 20.0);
    }
}
