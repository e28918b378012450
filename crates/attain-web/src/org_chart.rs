//! An account's org chart drawn on the server as SVG: a tree by `reports_to_id` (roots are the
//! contacts without a manager among the account's contacts), each node a box with the contact's
//! name, title and buying role; reached contacts are marked, contacts in a coverage gap colored.

use crate::fmt::escape;
use std::collections::HashMap;
use std::fmt::Write;

/// One contact to draw.
pub struct Node<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub title: &'a str,
    /// The buying role in words (empty when none).
    pub role: &'a str,
    /// The manager's contact id, if any.
    pub reports_to: Option<&'a str>,
    /// Reached in the coverage window.
    pub reached: bool,
    /// Part of a coverage gap.
    pub gap: bool,
}

const BOX_W: i64 = 180;
const BOX_H: i64 = 58;
const GAP_X: i64 = 16;
const GAP_Y: i64 = 36;
const PAD: i64 = 8;
/// The most characters of a line inside a box.
const LINE_CHARS: usize = 26;

/// Returns the chart as an inline `<svg>` element; `title` names it for screen readers.
pub fn svg(title: &str, nodes: &[Node<'_>]) -> String {
    let (x, depth) = layout(nodes);
    let left = |i: usize| PAD + x[i] * (BOX_W + GAP_X) / 2;
    let top = |i: usize| PAD + depth[i] * (BOX_H + GAP_Y);
    let right = (0..nodes.len()).map(|i| left(i) + BOX_W).max().unwrap_or(0);
    let bottom = (0..nodes.len()).map(|i| top(i) + BOX_H).max().unwrap_or(0);
    let (width, height) = (right + PAD, bottom + PAD);
    let index: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"orgchart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         role=\"img\" aria-label=\"{t}\" font-family=\"sans-serif\"><title>{t}</title>",
        t = escape(title)
    );
    // Lines first, under the boxes: from the manager's bottom middle to the report's top middle.
    for (i, n) in nodes.iter().enumerate() {
        if let Some(&m) = n.reports_to.and_then(|m| index.get(m))
            && depth[m] + 1 == depth[i]
        {
            let _ = write!(
                s,
                "<path d=\"M{} {} V{} H{} V{}\" fill=\"none\" stroke=\"#9aa4b2\"/>",
                left(m) + BOX_W / 2,
                top(m) + BOX_H,
                top(i) - GAP_Y / 2,
                left(i) + BOX_W / 2,
                top(i)
            );
        }
    }
    for (i, n) in nodes.iter().enumerate() {
        let (fill, stroke, mark) = match (n.reached, n.gap) {
            (true, _) => ("#e8f6ec", "#2f8f4e", "✓ "),
            (false, true) => ("#fdecea", "#c0392b", "! "),
            (false, false) => ("#ffffff", "#9aa4b2", ""),
        };
        let (bx, by) = (left(i), top(i));
        let state = match (n.reached, n.gap) {
            (true, _) => "reached",
            (false, true) => "gap",
            (false, false) => "not reached",
        };
        let _ = write!(
            s,
            "<g class=\"contact\" data-contact=\"{id}\"><title>{name}: {state}</title>\
             <rect x=\"{bx}\" y=\"{by}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>\
             <text x=\"{tx}\" y=\"{y1}\" font-size=\"13\" font-weight=\"600\">{mark}{short}</text>\
             <text x=\"{tx}\" y=\"{y2}\" font-size=\"11\" fill=\"#555\">{title}</text>\
             <text x=\"{tx}\" y=\"{y3}\" font-size=\"11\" fill=\"{stroke}\">{role}</text></g>",
            id = escape(n.id),
            name = escape(n.name),
            short = escape(&clip(n.name)),
            title = escape(&clip(n.title)),
            role = escape(if n.role.is_empty() {
                "no buying role"
            } else {
                n.role
            }),
            tx = bx + 8,
            y1 = by + 18,
            y2 = by + 34,
            y3 = by + 50,
        );
    }
    s.push_str("</svg>");
    s
}

/// Shortens a line to fit its box.
fn clip(s: &str) -> String {
    if s.chars().count() <= LINE_CHARS {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(LINE_CHARS - 1).collect();
        t.push('…');
        t
    }
}

/// Places the nodes: returns each node's horizontal position in half box steps and its depth.
/// Leaves take the next free column; a manager sits centred over its reports. Roots are the
/// nodes whose manager is not drawn; a node in a reporting loop with no root starts a tree of
/// its own, so every node is drawn once.
fn layout(nodes: &[Node<'_>]) -> (Vec<i64>, Vec<i64>) {
    let index: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut roots = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        match n.reports_to.and_then(|m| index.get(m)) {
            Some(&m) if m != i => children[m].push(i),
            _ => roots.push(i),
        }
    }
    let mut x = vec![0i64; nodes.len()];
    let mut depth = vec![0i64; nodes.len()];
    let mut placed = vec![false; nodes.len()];
    let mut next = 0i64;
    let mut order: Vec<usize> = roots;
    // Nodes unreachable from a root (a loop) become roots, in the order given.
    let mut pending = 0;
    loop {
        for r in std::mem::take(&mut order) {
            if !placed[r] {
                place(r, 0, &children, &mut x, &mut depth, &mut placed, &mut next);
            }
        }
        while pending < nodes.len() && placed[pending] {
            pending += 1;
        }
        if pending == nodes.len() {
            break;
        }
        order.push(pending);
    }
    (x, depth)
}

/// Places `i` and its reports (depth first); returns nothing, advancing `next` past the leaves.
fn place(
    i: usize,
    d: i64,
    children: &[Vec<usize>],
    x: &mut [i64],
    depth: &mut [i64],
    placed: &mut [bool],
    next: &mut i64,
) {
    placed[i] = true;
    depth[i] = d;
    let kids: Vec<usize> = children[i]
        .iter()
        .copied()
        .filter(|&c| !placed[c])
        .collect();
    for &c in &kids {
        place(c, d + 1, children, x, depth, placed, next);
    }
    let drawn: Vec<usize> = kids.into_iter().filter(|&c| depth[c] == d + 1).collect();
    if drawn.is_empty() {
        x[i] = *next * 2;
        *next += 1;
    } else {
        x[i] = (x[drawn[0]] + x[drawn[drawn.len() - 1]]) / 2;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn node<'a>(id: &'a str, name: &'a str, reports_to: Option<&'a str>) -> Node<'a> {
        Node {
            id,
            name,
            title: "Title",
            role: "champion",
            reports_to,
            reached: false,
            gap: false,
        }
    }

    #[test]
    fn every_contact_is_drawn_once_and_text_is_escaped() {
        let nodes = [
            node("c1", "Ann <Boss> & Co", None),
            node("c2", "Bob \"B\"", Some("c1")),
            node("c3", "Cy", Some("c1")),
            node("c4", "Di", Some("elsewhere")),
        ];
        let s = svg("Org <chart>", &nodes);
        for id in ["c1", "c2", "c3", "c4"] {
            assert_eq!(
                s.matches(&format!("data-contact=\"{id}\"")).count(),
                1,
                "{id}"
            );
        }
        assert!(s.contains("Ann &lt;Boss&gt; &amp; Co"));
        assert!(s.contains("Bob &quot;B&quot;") || s.contains("Bob &#34;B&#34;"));
        assert!(!s.contains("<Boss>"));
        assert!(s.contains("Org &lt;chart&gt;"));
        // Two lines: c2 and c3 under c1; c4's manager is not on the chart.
        assert_eq!(s.matches("<path").count(), 2);
    }

    #[test]
    fn a_manager_sits_over_its_reports_and_roots_share_the_top_row() {
        let nodes = [
            node("c1", "A", None),
            node("c2", "B", Some("c1")),
            node("c3", "C", Some("c1")),
            node("c4", "D", None),
        ];
        let (x, depth) = layout(&nodes);
        assert_eq!(depth, [0, 1, 1, 0]);
        assert_eq!(x, [1, 0, 2, 4]);
    }

    #[test]
    fn a_reporting_loop_is_still_drawn_with_every_contact() {
        let nodes = [node("c1", "A", Some("c2")), node("c2", "B", Some("c1"))];
        let (_, depth) = layout(&nodes);
        assert_eq!(depth, [0, 1]);
        let s = svg("loop", &nodes);
        assert_eq!(s.matches("class=\"contact\"").count(), 2);
    }

    #[test]
    fn reached_contacts_are_marked_and_gaps_colored() {
        let mut a = node("c1", "A", None);
        a.reached = true;
        let mut b = node("c2", "B", None);
        b.gap = true;
        let s = svg("marks", &[a, b]);
        assert!(s.contains("A: reached"));
        assert!(s.contains("B: gap"));
        assert!(s.contains("#fdecea"));
        assert!(s.contains("✓ A"));
    }

    #[test]
    fn long_names_are_clipped_to_their_box() {
        assert_eq!(clip("short"), "short");
        let long = "A very long name that does not fit in the box";
        assert_eq!(clip(long).chars().count(), LINE_CHARS);
        assert!(clip(long).ends_with('…'));
    }
}
