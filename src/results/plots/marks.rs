//! Marks drawn in backend pixels: the marker shapes of simulated series and
//! interval whiskers with caps.

use super::{plot_error, THIN};
use crate::error::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

/// A marker shape; hollow ones stay distinguishable where markers overlap.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Marker {
    Disc,
    Ring,
    Triangle,
    Square,
    Diamond,
}

/// The marker of the `i`th simulated series.
pub(crate) fn marker_of(i: usize) -> Marker {
    [
        Marker::Disc,
        Marker::Ring,
        Marker::Triangle,
        Marker::Square,
        Marker::Diamond,
    ][i % 5]
}

/// A coordinate of the backend relative to `area`.
pub(super) fn local<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
) -> (i32, i32) {
    let (x0, y0) = area.get_base_pixel();
    (x - x0, y - y0)
}

/// Draw `marker` centred on `at` (backend pixels) with radius `r`.
pub(crate) fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    marker: Marker,
    colour: RGBColor,
    r: i32,
) -> Result<()> {
    let (x, y) = local(area, at);
    let stroke = colour.stroke_width(THIN);
    let result = match marker {
        Marker::Disc => area.draw(&Circle::new((x, y), r, colour.filled())),
        Marker::Ring => area
            .draw(&Circle::new((x, y), r, WHITE.filled()))
            .and_then(|_| area.draw(&Circle::new((x, y), r, stroke))),
        Marker::Triangle | Marker::Square | Marker::Diamond => {
            let r = r + 1;
            let points = match marker {
                Marker::Triangle => {
                    vec![(x, y - r), (x + r, y + r * 3 / 4), (x - r, y + r * 3 / 4)]
                }
                Marker::Square => vec![
                    (x - r + 1, y - r + 1),
                    (x + r - 1, y - r + 1),
                    (x + r - 1, y + r - 1),
                    (x - r + 1, y + r - 1),
                ],
                _ => vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)],
            };
            let mut closed = points.clone();
            closed.push(points[0]);
            area.draw(&Polygon::new(points, WHITE.filled()))
                .and_then(|_| area.draw(&PathElement::new(closed, stroke)))
        }
    };
    result.map_err(plot_error)
}

/// A whisker from `a` to `b` (backend pixels) with caps of half-length `cap`
/// across it at both ends; `vertical` says which way it runs (its ends can meet).
pub(crate) fn draw_whisker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    cap: i32,
    colour: RGBColor,
    vertical: bool,
) -> Result<()> {
    let (a, b) = (local(area, a), local(area, b));
    let style = colour.stroke_width(THIN);
    let caps = |p: (i32, i32)| {
        if vertical {
            vec![(p.0 - cap, p.1), (p.0 + cap, p.1)]
        } else {
            vec![(p.0, p.1 - cap), (p.0, p.1 + cap)]
        }
    };
    area.draw(&PathElement::new(vec![a, b], style))
        .and_then(|_| area.draw(&PathElement::new(caps(a), style)))
        .and_then(|_| area.draw(&PathElement::new(caps(b), style)))
        .map_err(plot_error)
}
