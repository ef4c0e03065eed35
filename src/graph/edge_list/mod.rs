//! Reading a social graph from an edge list file: the options, [`read_edge_list`]
//! and [`parse_edge_list`], and the labels they return. The line tokenizer is in
//! `fields`, the messages in `diagnostics`, the label tables in `intern`.
//!
//! # Format
//!
//! One edge per line, `u v` or `u v w`:
//!
//! * Fields are separated by any run of spaces or tabs, or by one comma with optional
//!   spaces or tabs around it (`1 2`, `1\t2`, `1,2`, `1 , 2` are all the same edge).
//!   An empty field (two commas in a row, or a comma at the start or end of a line) is
//!   an error, because it would silently shift the columns; only the fields that are
//!   used (two, or three when weighted) are checked.
//! * Blank lines are ignored. A line whose first non-blank character is `#` or `%` is
//!   a comment. A field that *starts* with `#` begins a trailing comment (`1 2 # note`);
//!   a `#` inside a field is part of it (`1 2#x` has the label `2#x`).
//! * Line endings may be `\n`, `\r\n` or a lone `\r` (old Mac files); a UTF-8
//!   byte-order mark at the start is skipped. A line may be at most [`MAX_LINE`]
//!   bytes long (longer is an error: the file is not an edge list).
//! * Labels are arbitrary tokens. Node ids are given in order of first appearance
//!   (`u` before `v` within a line). A label is an *integer* label when it is a
//!   canonical decimal that fits `u64`: digits only, no sign, no leading zeros (`0` is
//!   fine). So `7` and `007` are **different** nodes. When every label is an integer
//!   they are kept as `u64`s ([`Labels::Integers`]), otherwise all labels are kept as
//!   text ([`Labels::Strings`]) and an integer label is stored as its decimal text.
//! * Non-UTF-8 bytes in a label are an error naming the line and column (labels must be
//!   text). Bytes in ignored columns and comments are not checked.
//! * With [`EdgeListOptions::weighted`] the third field is required and must be a finite
//!   number in (0, 1] (a transmission probability); any further fields are ignored.
//!   Without it, every field after the second is **ignored**: many published edge lists
//!   carry timestamps or weights in a third column and are meant to be read as plain
//!   graphs.
//! * Directed graphs store the arc `u → v` under `u` (v hears u); undirected graphs
//!   store every tie both ways. Self-loops and repeated edges are dropped and counted
//!   in [`EdgeList::cleaning`] (for undirected graphs `u v` and `v u` are the same tie;
//!   the first listed weight of a repeated edge is kept).
//!
//! Files whose name ends in `.gz` are decompressed (multi-member gzip is fine); a file
//! that starts with the gzip magic bytes is decompressed whatever its name.
//!
//! Every problem with the input is a [`WomError::Input`] (exit code 2) whose
//! [`Diagnostic`] names the file and, for a bad line, the first bad line and column.
//!
//! Memory is checked as the edges grow, not only before reading (a small gzip file
//! can decompress to gigabytes): each time the edge array must grow past a million
//! edges, the reader refuses (exit 2, with the line reached) when the grown array
//! and the graph built from it would not fit in [`crate::graph::available_memory`],
//! and an allocation that fails is the same refusal, never an abort.

mod diagnostics;
mod fields;
mod intern;

pub use intern::LabelLookup;

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use crate::error::{Diagnostic, WomError};
use crate::graph::csr::{Cleaning, Csr};
use diagnostics::{column, read_error, BadLine};
use fields::{parse_line, Span};
use intern::{parse_int_label, Interner};

/// The most distinct nodes an edge list may have (ids are `u32`).
pub const MAX_NODES: usize = u32::MAX as usize - 1;

/// The longest line accepted, in bytes (1 MiB): an edge line is two labels and a
/// weight; a longer line means the file is not an edge list (`/dev/zero`, a binary
/// file, a gzip bomb of one character).
pub const MAX_LINE: usize = 1 << 20;

/// The edge array grows unchecked up to this many edges; past it every growth is
/// checked against the memory available.
const CHECK_GROWTH_FROM: usize = 1 << 20;

/// Read buffer size: large reads keep system-call and decompression overhead low.
const READ_BUFFER: usize = 1 << 20;

/// Integer labels are looked up this many edges after their line is parsed, with
/// the table entries prefetched meanwhile: random labels miss the cache on nearly
/// every look-up, and the misses of consecutive lines then overlap instead of
/// following each other.
const LOOKUP_LAG: usize = 16;

/// How to read an edge list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EdgeListOptions {
    /// Arcs are one-way `u → v` (stored under `u`); otherwise ties are two-way.
    pub directed: bool,
    /// The third field is a required tie weight in (0, 1]; otherwise it is ignored.
    pub weighted: bool,
}

/// Node labels as they appeared in the file, indexed by node id (ids are given in
/// order of first appearance).
#[derive(Debug, Clone, PartialEq)]
pub enum Labels {
    /// Every label was a canonical non-negative decimal integer that fits `u64`.
    Integers(Vec<u64>),
    /// At least one label was not; all labels are kept as text.
    Strings(StringLabels),
}

/// Text labels packed into one buffer plus end offsets (about 8 bytes per label on top
/// of the text itself).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StringLabels {
    text: String,
    /// `ends[i]` is the end of label `i` in `text`; label `i` starts at `ends[i - 1]`.
    ends: Vec<usize>,
}

impl StringLabels {
    /// Number of labels.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no labels.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The label of node `id`.
    ///
    /// # Panics
    /// If `id` is out of range.
    pub fn get(&self, id: u32) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The labels in id order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.ends.len()).map(|i| self.get(i as u32))
    }

    fn push(&mut self, label: &str) {
        self.text.push_str(label);
        self.ends.push(self.text.len());
    }

    fn bytes(&self, id: u32) -> &[u8] {
        self.get(id).as_bytes()
    }
}

impl Labels {
    /// Number of labels (= number of nodes).
    pub fn len(&self) -> usize {
        match self {
            Labels::Integers(v) => v.len(),
            Labels::Strings(s) => s.len(),
        }
    }

    /// Whether there are no labels.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The label of node `id`, as written in the file.
    ///
    /// # Panics
    /// If `id` is out of range.
    pub fn label(&self, id: u32) -> String {
        match self {
            Labels::Integers(v) => v[id as usize].to_string(),
            Labels::Strings(s) => s.get(id).to_owned(),
        }
    }

    /// The id of the node labelled `label`, by a linear scan: fine for a handful of
    /// look-ups; use [`Labels::lookup`] for many.
    pub fn find(&self, label: &str) -> Option<u32> {
        match self {
            Labels::Integers(v) => {
                let x = parse_int_label(label.as_bytes())?;
                v.iter().position(|&y| y == x).map(|i| i as u32)
            }
            Labels::Strings(s) => s.iter().position(|l| l == label).map(|i| i as u32),
        }
    }

    /// A hash index from label to id, built in O(n) (about 21–43 bytes per node for
    /// integer labels, 5–11 for text labels), for many look-ups.
    pub fn lookup(&self) -> LabelLookup<'_> {
        LabelLookup::new(self)
    }
}

/// A graph read from an edge list.
#[derive(Debug, Clone)]
pub struct EdgeList {
    /// The cleaned graph.
    pub csr: Csr,
    /// The label of every node, by id.
    pub labels: Labels,
    /// Self-loops and repeated edges that were dropped.
    pub cleaning: Cleaning,
    /// Lines read, including blank and comment lines.
    pub lines: u64,
    /// Edge lines read, before cleaning.
    pub edges_read: u64,
}

/// Read `path` (plain text, or gzip when the name ends in `.gz` or the file starts with
/// the gzip magic bytes). See the [module documentation](self) for the format.
pub fn read_edge_list(path: &Path, options: EdgeListOptions) -> Result<EdgeList, WomError> {
    let diag = |message: String| Diagnostic::new(message).file(path);
    let file = File::open(path).map_err(|e| {
        let d = match e.kind() {
            io::ErrorKind::NotFound => diag("edge list file not found".into()).help(format!(
                "check the path `{}`; a relative path is resolved from the current directory",
                path.display()
            )),
            io::ErrorKind::PermissionDenied => {
                diag("cannot read the edge list file: permission denied".into())
                    .help("make the file readable by this user (e.g. `chmod u+r FILE`)")
            }
            _ => diag(format!("cannot open the edge list file: {e}")),
        };
        WomError::input(d)
    })?;
    let metadata = file
        .metadata()
        .map_err(|e| WomError::input(diag(format!("cannot read the edge list file: {e}"))))?;
    if metadata.is_dir() {
        return Err(WomError::input(
            diag("this is a directory, not an edge list file".into())
                .help("give the path of a file inside it"),
        ));
    }
    let mut reader = BufReader::with_capacity(READ_BUFFER, file);
    let magic = sniff(&mut reader)
        .map_err(|e| WomError::input(diag(format!("cannot read the edge list file: {e}"))))?;
    let is_gzip_magic = magic.len() >= 2 && magic[..2] == [0x1f, 0x8b];
    let gz_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let name = path.display().to_string();
    if gz_name && !is_gzip_magic {
        return Err(WomError::input(
            diag("the file name ends in `.gz` but the file is not gzip (it does not start with the gzip magic bytes 1f 8b)".into())
                .help("if it is plain text, rename it without `.gz`; otherwise re-download it"),
        ));
    }
    if is_gzip_magic {
        let decoder = flate2::bufread::MultiGzDecoder::new(reader);
        parse(
            BufReader::with_capacity(READ_BUFFER, decoder),
            &name,
            options,
            true,
        )
    } else {
        parse(reader, &name, options, false)
    }
}

/// Like [`read_edge_list`] but from any buffered reader of plain text; `name` is the
/// file name used in messages.
pub fn parse_edge_list<R: BufRead>(
    reader: R,
    name: &str,
    options: EdgeListOptions,
) -> Result<EdgeList, WomError> {
    parse(reader, name, options, false)
}

/// Like [`read_edge_list`] from the bytes of a file: gzip when they start with the
/// gzip magic bytes (multi-member is fine), else plain text. `name` is the file
/// name used in messages.
pub fn parse_edge_list_bytes(
    bytes: &[u8],
    name: &str,
    options: EdgeListOptions,
) -> Result<EdgeList, WomError> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let decoder = flate2::bufread::MultiGzDecoder::new(bytes);
        parse(
            BufReader::with_capacity(READ_BUFFER, decoder),
            name,
            options,
            true,
        )
    } else {
        parse(bytes, name, options, false)
    }
}

/// Fill the buffer and return its bytes without consuming them (used to look for the
/// gzip magic bytes).
fn sniff<R: Read>(reader: &mut BufReader<R>) -> io::Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    // A read of a regular file returns at least two bytes unless it is shorter.
    Ok(reader.buffer())
}

fn parse<R: BufRead>(
    mut reader: R,
    name: &str,
    options: EdgeListOptions,
    gzip: bool,
) -> Result<EdgeList, WomError> {
    let mut interner = Interner::new();
    let mut edges = Edges {
        ends: Vec::new(),
        weights: options.weighted.then(Vec::new),
    };
    let mut buf: Vec<u8> = Vec::with_capacity(256);
    let mut line_no: u64 = 0;
    // Edges whose integer labels are prefetched but not yet looked up, in order.
    let mut pending: VecDeque<(u64, u64, f32)> = VecDeque::with_capacity(LOOKUP_LAG + 1);

    loop {
        buf.clear();
        match read_line(&mut reader, &mut buf) {
            Ok(Line::End) => break,
            Ok(Line::Read) => {}
            Ok(Line::TooLong) => {
                return Err(WomError::input(
                    Diagnostic::new(format!(
                        "line {} is longer than {} bytes (1 MiB) without a line end; an edge line is two node labels and a weight, so this is not an edge list",
                        line_no + 1,
                        MAX_LINE
                    ))
                    .file(name)
                    .help("check the path: it should name a text file of `u v` lines (or its gzip)"),
                ))
            }
            Err(e) => return Err(read_error(name, gzip, line_no, &e, None)),
        }
        line_no += 1;
        if edges.ends.capacity() - edges.ends.len() <= LOOKUP_LAG + 2 {
            edges.grow(name, line_no)?;
        }
        let mut line: &[u8] = &buf;
        if line_no == 1 {
            if let Some(rest) = line.strip_prefix(b"\xef\xbb\xbf") {
                line = rest;
            }
        }
        let parsed = parse_line(line, options.weighted).and_then(|fields| {
            let Some((a, b, w)) = fields else {
                return Ok(());
            };
            let (label_a, label_b) = (&line[a.0..a.1], &line[b.0..b.1]);
            if let Some((x, y)) = interner.look_ahead(label_a, label_b, pending.len()) {
                pending.push_back((x, y, w));
                edges.look_up(&mut pending, &mut interner, LOOKUP_LAG);
                return Ok(());
            }
            // Ids are given in order of first appearance: the edges before this
            // one are looked up first.
            edges.look_up(&mut pending, &mut interner, 0);
            let mut intern = |field: Span| {
                interner
                    .intern(&line[field.0..field.1])
                    .map_err(|kind| BadLine {
                        kind,
                        offset: field.0,
                        field,
                    })
            };
            let u = intern(a)?;
            let v = intern(b)?;
            edges.push(u, v, w);
            Ok(())
        });
        if let Err(bad) = parsed {
            let d = bad
                .into_diagnostic(line)
                .file(name)
                .at(line_no as usize, Some(column(line, bad.offset)));
            if gzip {
                // A damaged gzip stream can decode to garbage before the decoder
                // notices; blame the compression if the rest does not decode.
                if let Err(e) = io::copy(&mut reader, &mut io::sink()) {
                    return Err(read_error(name, gzip, line_no, &e, Some(line_no)));
                }
            }
            return Err(WomError::input(d));
        }
    }
    edges.look_up(&mut pending, &mut interner, 0);
    let Edges {
        ends: edges,
        weights,
    } = edges;

    if edges.is_empty() {
        let message = if line_no == 0 {
            "no edges: the file is empty".to_string()
        } else if line_no == 1 {
            "no edges: its only line is blank or comments".to_string()
        } else {
            format!("no edges: all {line_no} lines are blank or comments")
        };
        return Err(WomError::input(Diagnostic::new(message).file(name).help(
            "an edge list has one edge per line: two node labels `u v`, or `u v w` with a weight",
        )));
    }

    let edges_read = edges.len() as u64;
    let labels = interner.into_labels();
    let nodes = labels.len() as u32;
    let (csr, cleaning) = Csr::from_edges(nodes, edges, weights, options.directed, true);
    Ok(EdgeList {
        csr,
        labels,
        cleaning,
        lines: line_no,
        edges_read,
    })
}

/// What [`read_line`] found.
enum Line {
    Read,
    End,
    /// A line longer than [`MAX_LINE`], found before it is held in memory.
    TooLong,
}

/// Read one line into `buf` without its line end (`\n`, `\r\n` or `\r`).
fn read_line<R: BufRead>(reader: &mut R, buf: &mut Vec<u8>) -> io::Result<Line> {
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(if any { Line::Read } else { Line::End });
        }
        any = true;
        let end = available.iter().position(|&b| b == b'\n' || b == b'\r');
        let take = end.unwrap_or(available.len());
        if buf.len() + take > MAX_LINE {
            return Ok(Line::TooLong);
        }
        buf.extend_from_slice(&available[..take]);
        let Some(i) = end else {
            reader.consume(take);
            continue;
        };
        let cr = available[i] == b'\r';
        reader.consume(i + 1);
        if cr {
            // `\r\n` is one line end.
            loop {
                match reader.fill_buf() {
                    Ok(b) => {
                        if b.first() == Some(&b'\n') {
                            reader.consume(1);
                        }
                        break;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            }
        }
        return Ok(Line::Read);
    }
}

/// The edges read so far, with their weights when the list is weighted.
struct Edges {
    ends: Vec<(u32, u32)>,
    weights: Option<Vec<f32>>,
}

impl Edges {
    /// Make room for more edges (doubling), refusing when the grown array and the
    /// graph built from it would not fit in the memory available (checked past
    /// [`CHECK_GROWTH_FROM`] edges) or when the allocation fails.
    #[cold]
    fn grow(&mut self, name: &str, line_no: u64) -> Result<(), WomError> {
        let extra = self.ends.capacity().max(1024);
        let total = (self.ends.capacity() + extra) as u64;
        // The array (8 bytes an edge, 4 more with weights) and, at the end, the
        // graph: two arcs of 4 bytes a tie (8 with weights) and the sort's copy.
        let per_edge = if self.weights.is_some() {
            12 + 24
        } else {
            8 + 16
        };
        let needed = total * per_edge;
        let read = self.ends.len();
        let refuse = |available: Option<u64>| {
            let room = match available {
                Some(a) => format!("only {} is available", crate::graph::human_bytes(a)),
                None => "allocating it failed".to_string(),
            };
            WomError::input(
                Diagnostic::new(format!(
                    "at line {line_no}, after {read} edges, reading on needs about {} of memory, but {room}; the file holds more edges than its size suggested (a compressed file can expand a thousandfold)",
                    crate::graph::human_bytes(needed),
                ))
                .file(name)
                .help("use a smaller edge list, or raise the memory limit (ulimit -v, cgroup memory.max)"),
            )
        };
        if self.ends.capacity() >= CHECK_GROWTH_FROM {
            if let Some(available) = crate::graph::available_memory() {
                if needed > available {
                    return Err(refuse(Some(available)));
                }
            }
        }
        self.ends
            .try_reserve_exact(extra)
            .map_err(|_| refuse(None))?;
        if let Some(weights) = &mut self.weights {
            weights.try_reserve_exact(extra).map_err(|_| refuse(None))?;
        }
        Ok(())
    }

    fn push(&mut self, u: u32, v: u32, w: f32) {
        self.ends.push((u, v));
        if let Some(weights) = &mut self.weights {
            weights.push(w);
        }
    }

    /// Look up the oldest edges of `pending` (integer labels accepted by
    /// [`Interner::look_ahead`]) and add them, until `keep` are left.
    fn look_up(
        &mut self,
        pending: &mut VecDeque<(u64, u64, f32)>,
        interner: &mut Interner,
        keep: usize,
    ) {
        while pending.len() > keep {
            let (x, y, w) = pending.pop_front().expect("longer than keep");
            self.push(interner.intern_ahead(x), interner.intern_ahead(y), w);
        }
    }
}
