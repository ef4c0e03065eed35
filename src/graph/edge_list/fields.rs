//! The line tokenizer: a line split into fields (blanks or one comma between them,
//! trailing comments), its two labels and its weight.

use super::diagnostics::{BadKind, BadLine};

/// Byte classes: 1 = blank, 2 = comma.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = 1;
    t[b'\t' as usize] = 1;
    t[b'\r' as usize] = 1;
    t[0x0b] = 1;
    t[0x0c] = 1;
    t[b',' as usize] = 2;
    t
};

#[inline]
fn is_blank(b: u8) -> bool {
    CLASS[b as usize] == 1
}

/// Splits a line into fields; see the [edge-list format](super) for the rules.
struct Fields<'a> {
    line: &'a [u8],
    pos: usize,
    first: bool,
}

impl<'a> Fields<'a> {
    #[inline]
    fn new(line: &'a [u8]) -> Self {
        Fields {
            line,
            pos: 0,
            first: true,
        }
    }

    /// The next field as a byte range; `Ok(None)` at the end of the line or at a
    /// comment; `Err(offset)` at an empty field.
    #[inline]
    fn next(&mut self) -> Result<Option<(usize, usize)>, usize> {
        let line = self.line;
        let mut pos = self.pos;
        while pos < line.len() && is_blank(line[pos]) {
            pos += 1;
        }
        let mut comma_at = None;
        if !self.first && pos < line.len() && line[pos] == b',' {
            comma_at = Some(pos);
            pos += 1;
            while pos < line.len() && is_blank(line[pos]) {
                pos += 1;
            }
        }
        if pos == line.len() {
            self.pos = pos;
            return match comma_at {
                Some(c) => Err(c),
                None => Ok(None),
            };
        }
        let c = line[pos];
        if c == b',' {
            return Err(pos);
        }
        if c == b'#' || (self.first && c == b'%') {
            self.pos = line.len();
            return Ok(None);
        }
        let start = pos;
        while pos < line.len() && CLASS[line[pos] as usize] == 0 {
            pos += 1;
        }
        self.pos = pos;
        self.first = false;
        Ok(Some((start, pos)))
    }
}

/// A field of a line: its start and end offsets.
pub(super) type Span = (usize, usize);

/// Parse one line into its two label fields and its weight: `Ok(None)` for blank
/// and comment lines.
#[inline]
pub(super) fn parse_line(
    line: &[u8],
    weighted: bool,
) -> Result<Option<(Span, Span, f32)>, BadLine> {
    let mut fields = Fields::new(line);
    let empty = |offset: usize| BadLine {
        kind: BadKind::EmptyField,
        offset,
        field: (offset, offset),
    };
    let a = match fields.next().map_err(empty)? {
        None => return Ok(None),
        Some(a) => a,
    };
    let b = match fields.next().map_err(empty)? {
        None => {
            return Err(BadLine {
                kind: BadKind::OneField,
                offset: a.0,
                field: a,
            })
        }
        Some(b) => b,
    };
    let mut w = 1.0f32;
    if weighted {
        let c = match fields.next().map_err(empty)? {
            None => {
                return Err(BadLine {
                    kind: BadKind::MissingWeight,
                    offset: line.len(),
                    field: (line.len(), line.len()),
                })
            }
            Some(c) => c,
        };
        w = parse_weight(&line[c.0..c.1]).map_err(|kind| BadLine {
            kind,
            offset: c.0,
            field: c,
        })?;
    }
    Ok(Some((a, b, w)))
}

fn parse_weight(token: &[u8]) -> Result<f32, BadKind> {
    let text = std::str::from_utf8(token).map_err(|_| BadKind::WeightNotNumber)?;
    let x: f64 = text.parse().map_err(|_| BadKind::WeightNotNumber)?;
    if !x.is_finite() {
        return Err(BadKind::WeightNotNumber);
    }
    let w = x as f32;
    if x > 0.0 && x <= 1.0 && w > 0.0 {
        Ok(w)
    } else if x > 0.0 && x <= 1.0 {
        // Weights are kept as f32: this one would become 0.
        Err(BadKind::WeightRoundsToZero)
    } else {
        Err(BadKind::WeightOutOfRange)
    }
}
