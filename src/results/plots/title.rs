//! Text measuring and title fitting: a title is shrunk, wrapped onto two lines or
//! ended with an ellipsis to fit the image.

use super::{plot_error, FONT};
use crate::error::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Width in pixels of `text` at `size`.
pub(super) fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    size: u32,
) -> u32 {
    area.estimate_text_size(text, &(FONT, size).into_font().into())
        .map(|(w, _)| w)
        // An estimate that fails counts as wide: 0.62 em per character.
        .unwrap_or_else(|_| (text.chars().count() as f64 * 0.62 * f64::from(size)) as u32)
}

/// `text` cut to fit `width` pixels at `size`, ending with "…" when cut.
pub(crate) fn ellipsize<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    size: u32,
    width: u32,
) -> String {
    let text = &*crate::error::escape_controls(text);
    if text_width(area, text, size) <= width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    for keep in (0..chars.len()).rev() {
        let candidate = format!("{}…", chars[..keep].iter().collect::<String>().trim_end());
        if text_width(area, &candidate, size) <= width {
            return candidate;
        }
    }
    "…".into()
}

/// The lines and font size a title is drawn with to fit `width` pixels: one line
/// shrunk down to 2/3 of `size`, else two lines split at the space that balances
/// them, else two lines with the second ended by "…".
fn title_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    size: u32,
    width: u32,
) -> (Vec<String>, u32) {
    let smallest = (size * 2 / 3).max(16);
    let sizes: Vec<u32> = (smallest..=size).rev().step_by(2).collect();
    for &s in &sizes {
        if text_width(area, title, s) <= width {
            return (vec![title.to_string()], s);
        }
    }
    // Two lines: the split whose longer line is shortest.
    let splits: Vec<(String, String)> = title
        .char_indices()
        .filter(|&(_, c)| c == ' ')
        .map(|(i, _)| {
            (
                title[..i].trim_end().to_string(),
                title[i..].trim_start().to_string(),
            )
        })
        .collect();
    let balanced = splits
        .iter()
        .min_by_key(|(a, b)| text_width(area, a, smallest).max(text_width(area, b, smallest)));
    let Some((first, second)) = balanced else {
        return (vec![ellipsize(area, title, smallest, width)], smallest);
    };
    for &s in &sizes {
        if text_width(area, first, s) <= width && text_width(area, second, s) <= width {
            return (vec![first.clone(), second.clone()], s);
        }
    }
    // Fill the first line, cut the second.
    let words: Vec<&str> = title.split(' ').collect();
    let mut line = String::new();
    let mut used = 0;
    for (i, word) in words.iter().enumerate() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if i > 0 && text_width(area, &candidate, smallest) > width {
            break;
        }
        line = candidate;
        used = i + 1;
    }
    let rest = words[used..].join(" ");
    (
        vec![
            ellipsize(area, &line, smallest, width),
            ellipsize(area, &rest, smallest, width),
        ],
        smallest,
    )
}

/// Draw `title` centred at the top of `area`, fitted to its width (see
/// [`title_lines`]); returns the area below it.
pub(crate) fn draw_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    size: u32,
) -> Result<DrawingArea<DB, Shift>> {
    let (w, _) = area.dim_in_pixel();
    let title = &*crate::error::escape_controls(title);
    let (lines, s) = title_lines(area, title, size, w.saturating_sub(48));
    let line_h = (f64::from(s) * 1.3) as i32;
    let pad = 10;
    for (i, line) in lines.iter().enumerate() {
        area.draw(&Text::new(
            line.clone(),
            (w as i32 / 2, pad + i as i32 * line_h + line_h / 2),
            TextStyle::from((FONT, s).into_font()).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(plot_error)?;
    }
    let used = (2 * pad + lines.len() as i32 * line_h) as u32;
    Ok(area.split_vertically(used).1)
}
