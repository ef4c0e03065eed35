//! The legend: entries in centred rows in a strip below the plotting area, never
//! on data.

use super::marks::{draw_marker, draw_whisker, Marker};
use super::title::text_width;
use super::{plot_error, FONT};
use crate::error::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// What a legend entry shows beside its text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Key {
    /// A line of this colour and width.
    Line(RGBColor, u32),
    /// A dashed line.
    Dashed(RGBColor, u32),
    /// A shaded area of this opacity.
    Band(RGBColor, f64),
    /// A marker.
    Mark(Marker, RGBColor),
    /// A horizontal whisker with caps.
    Whisker(RGBColor),
    /// A vertical line.
    VLine(RGBColor, u32),
}

/// One legend entry.
pub(crate) struct Entry {
    pub key: Key,
    pub label: String,
}

impl Entry {
    pub(crate) fn new(key: Key, label: impl Into<String>) -> Self {
        let label = label.into();
        Entry {
            key,
            label: crate::error::escape_controls(&label).into_owned(),
        }
    }
}

const KEY_WIDTH: u32 = 32;
const KEY_GAP: u32 = 8;
const ENTRY_GAP: u32 = 30;

/// The rows of a legend of `entries` at `size` in `width` pixels: indices and
/// widths of the entries on each row.
fn legend_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    size: u32,
    width: u32,
) -> Vec<Vec<(usize, u32)>> {
    let mut rows: Vec<Vec<(usize, u32)>> = Vec::new();
    let mut used = 0;
    for (i, e) in entries.iter().enumerate() {
        let w = KEY_WIDTH + KEY_GAP + text_width(area, &e.label, size);
        match rows.last_mut() {
            Some(row) if used + ENTRY_GAP + w <= width => {
                row.push((i, w));
                used += ENTRY_GAP + w;
            }
            _ => {
                rows.push(vec![(i, w)]);
                used = w;
            }
        }
    }
    rows
}

fn legend_row_height(size: u32) -> u32 {
    (f64::from(size) * 1.6) as u32
}

/// Height of the strip [`draw_legend`] needs for `entries` across `area`.
pub(crate) fn legend_height<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    size: u32,
) -> u32 {
    let rows = legend_rows(
        area,
        entries,
        size,
        area.dim_in_pixel().0.saturating_sub(40),
    );
    rows.len() as u32 * legend_row_height(size) + 16
}

/// Split `area` into the plotting part and a legend strip below it, sized for
/// `entries`.
pub(crate) fn with_legend_strip<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    size: u32,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let h = legend_height(area, entries, size);
    area.split_vertically(area.dim_in_pixel().1.saturating_sub(h))
}

/// The legend: entries in centred rows across `area` (a strip outside every
/// plotting area), framed lightly.
pub(crate) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    size: u32,
) -> Result<()> {
    let (w, _) = area.dim_in_pixel();
    let rows = legend_rows(area, entries, size, w.saturating_sub(40));
    let row_h = legend_row_height(size) as i32;
    let widest = rows
        .iter()
        .map(|r| r.iter().map(|e| e.1).sum::<u32>() + ENTRY_GAP * (r.len() as u32 - 1))
        .max()
        .unwrap_or(0) as i32;
    let top = 6;
    let frame_x = (w as i32 - widest) / 2 - 12;
    area.draw(&Rectangle::new(
        [
            (frame_x, top),
            (frame_x + widest + 24, top + rows.len() as i32 * row_h + 4),
        ],
        BLACK.mix(0.3).stroke_width(1),
    ))
    .map_err(plot_error)?;
    let (x0, y0) = area.get_base_pixel();
    for (r, row) in rows.iter().enumerate() {
        let row_w = row.iter().map(|e| e.1).sum::<u32>() + ENTRY_GAP * (row.len() as u32 - 1);
        let mut x = (w as i32 - row_w as i32) / 2;
        let y = top + 2 + r as i32 * row_h + row_h / 2;
        for &(i, entry_w) in row {
            let e = &entries[i];
            let k = KEY_WIDTH as i32;
            match e.key {
                Key::Line(c, width) => area.draw(&PathElement::new(
                    vec![(x, y), (x + k, y)],
                    c.stroke_width(width),
                )),
                Key::Dashed(c, width) => (0..3).try_for_each(|j| {
                    area.draw(&PathElement::new(
                        vec![(x + j * 12, y), (x + j * 12 + 8, y)],
                        c.stroke_width(width),
                    ))
                }),
                Key::Band(c, alpha) => area.draw(&Rectangle::new(
                    [(x, y - 8), (x + k, y + 8)],
                    c.mix(alpha).filled(),
                )),
                Key::VLine(c, width) => area
                    .draw(&Rectangle::new(
                        [(x, y - 9), (x + k, y + 9)],
                        WHITE.filled(),
                    ))
                    .and_then(|_| {
                        area.draw(&PathElement::new(
                            vec![(x + k / 2, y - 9), (x + k / 2, y + 9)],
                            c.stroke_width(width),
                        ))
                    }),
                Key::Mark(..) | Key::Whisker(_) => Ok(()),
            }
            .map_err(plot_error)?;
            match e.key {
                Key::Mark(m, c) => draw_marker(area, (x0 + x + k / 2, y0 + y), m, c, 6)?,
                Key::Whisker(c) => draw_whisker(
                    area,
                    (x0 + x + 2, y0 + y),
                    (x0 + x + k - 2, y0 + y),
                    8,
                    c,
                    false,
                )?,
                _ => {}
            }
            area.draw(&Text::new(
                e.label.clone(),
                (x + k + KEY_GAP as i32, y),
                TextStyle::from((FONT, size).into_font()).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(plot_error)?;
            x += entry_w as i32 + ENTRY_GAP as i32;
        }
    }
    Ok(())
}
