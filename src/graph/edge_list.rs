//! Reading a social graph from an edge list file.
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
//! * Line endings may be `\n` or `\r\n`; a UTF-8 byte-order mark at the start is skipped.
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

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use crate::error::{Diagnostic, WomError};
use crate::graph::csr::{prefetch, Cleaning, Csr};

/// The most distinct nodes an edge list may have (ids are `u32`).
pub const MAX_NODES: usize = u32::MAX as usize - 1;

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
        match self {
            Labels::Integers(v) => LabelLookup(Lookup::Integers(IntTable::from_labels(v))),
            Labels::Strings(s) => LabelLookup(Lookup::Strings {
                labels: s,
                table: StrTable::build(s),
            }),
        }
    }
}

/// Maps labels back to node ids; made by [`Labels::lookup`].
#[derive(Debug)]
pub struct LabelLookup<'a>(Lookup<'a>);

#[derive(Debug)]
enum Lookup<'a> {
    Integers(IntTable),
    Strings {
        labels: &'a StringLabels,
        table: StrTable,
    },
}

impl LabelLookup<'_> {
    /// The id of the node labelled `label`, written exactly as in the file.
    pub fn get(&self, label: &str) -> Option<u32> {
        match &self.0 {
            Lookup::Integers(table) => table.get(parse_int_label(label.as_bytes())?),
            Lookup::Strings { labels, table } => table.find(label.as_bytes(), labels),
        }
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
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            // (`read_until` itself retries interrupted reads.)
            Err(e) => return Err(read_error(name, gzip, line_no, &e, None)),
        }
        line_no += 1;
        let mut line: &[u8] = &buf;
        if let Some(rest) = line.strip_suffix(b"\n") {
            line = rest;
        }
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

fn read_error(
    name: &str,
    gzip: bool,
    line_no: u64,
    e: &io::Error,
    bad_line: Option<u64>,
) -> WomError {
    let d = if gzip {
        let mut message =
            format!("the file is not valid gzip or is truncated: {e} (after line {line_no})");
        if let Some(l) = bad_line {
            let _ = write!(
                message,
                "; line {l} looked malformed, most likely because of the damage"
            );
        }
        Diagnostic::new(message)
            .file(name)
            .help("test it with `gzip -t FILE`; download or compress it again")
    } else {
        Diagnostic::new(format!(
            "cannot read the edge list file after line {line_no}: {e}"
        ))
        .file(name)
    };
    WomError::input(d)
}

/// What is wrong with a line, and where (byte offset in the line).
#[derive(Debug, Clone, Copy)]
struct BadLine {
    kind: BadKind,
    offset: usize,
    /// The offending field, as a byte range of the line.
    field: (usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BadKind {
    OneField,
    MissingWeight,
    WeightNotNumber,
    WeightOutOfRange,
    EmptyField,
    NotUtf8,
    TooManyNodes,
}

impl BadLine {
    fn into_diagnostic(self, line: &[u8]) -> Diagnostic {
        let text = snippet(line);
        let field = snippet(&line[self.field.0..self.field.1]);
        match self.kind {
            BadKind::OneField => Diagnostic::new(format!(
                "found one field in `{text}`; an edge line needs two node labels `u v` (or `u v w` with a weight)"
            ))
            .help("separate the labels with spaces, tabs or a comma; start comment lines with `#` or `%`"),
            BadKind::MissingWeight => Diagnostic::new(format!(
                "found two fields in `{text}` but the graph is weighted: every line needs `u v w` with a weight w in (0, 1]"
            ))
            .help("add a weight to every line, or read the graph as unweighted"),
            BadKind::WeightNotNumber => Diagnostic::new(format!(
                "weight `{field}` in `{text}` is not a number; a weight must be a finite number in (0, 1]"
            ))
            .help("write weights as decimals such as `0.25`, or read the graph as unweighted to ignore the third column"),
            BadKind::WeightOutOfRange => Diagnostic::new(format!(
                "weight `{field}` in `{text}` is outside (0, 1]; a weight is a transmission probability, greater than 0 and at most 1"
            ))
            .help("rescale the weights into (0, 1], drop zero-weight edges, or read the graph as unweighted"),
            BadKind::EmptyField => Diagnostic::new(format!(
                "empty field in `{text}` (two commas in a row, or a comma at the start or end of the line); fields must be non-empty"
            ))
            .help("remove the extra comma"),
            BadKind::NotUtf8 => Diagnostic::new(format!(
                "label `{field}` in `{text}` is not valid UTF-8 text; labels must be UTF-8"
            ))
            .help("convert the file to UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"),
            BadKind::TooManyNodes => Diagnostic::new(format!(
                "label `{field}` would be node number {}; at most {MAX_NODES} distinct nodes are supported",
                MAX_NODES as u64 + 1
            )),
        }
    }
}

/// The line as text for a message: lossy UTF-8, control characters escaped, at most
/// 60 characters.
fn snippet(bytes: &[u8]) -> String {
    const MAX: usize = 60;
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_end_matches(['\r', ' ', '\t']);
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == MAX {
            out.push('…');
            break;
        }
        if c == '\t' {
            out.push_str("\\t");
        } else if c.is_control() {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// 1-based character column of byte `offset` in `line`.
fn column(line: &[u8], offset: usize) -> usize {
    String::from_utf8_lossy(&line[..offset.min(line.len())])
        .chars()
        .count()
        + 1
}

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

/// Splits a line into fields; see the module documentation for the rules.
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
type Span = (usize, usize);

/// Parse one line into its two label fields and its weight: `Ok(None)` for blank
/// and comment lines.
#[inline]
fn parse_line(line: &[u8], weighted: bool) -> Result<Option<(Span, Span, f32)>, BadLine> {
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

/// The edges read so far, with their weights when the list is weighted.
struct Edges {
    ends: Vec<(u32, u32)>,
    weights: Option<Vec<f32>>,
}

impl Edges {
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

fn parse_weight(token: &[u8]) -> Result<f32, BadKind> {
    let text = std::str::from_utf8(token).map_err(|_| BadKind::WeightNotNumber)?;
    let x: f64 = text.parse().map_err(|_| BadKind::WeightNotNumber)?;
    if !x.is_finite() {
        return Err(BadKind::WeightNotNumber);
    }
    let w = x as f32;
    // `w > 0` also rejects positive weights too small for an f32.
    if x > 0.0 && x <= 1.0 && w > 0.0 {
        Ok(w)
    } else {
        Err(BadKind::WeightOutOfRange)
    }
}

/// A canonical decimal integer label: digits only, no leading zeros unless it is `0`,
/// fits `u64`.
#[inline]
fn parse_int_label(t: &[u8]) -> Option<u64> {
    if t.is_empty() || t.len() > 20 {
        return None;
    }
    if t[0] == b'0' {
        return if t.len() == 1 { Some(0) } else { None };
    }
    let mut x: u64 = 0;
    if t.len() < 20 {
        for &b in t {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            x = x * 10 + d as u64;
        }
    } else {
        for &b in t {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            x = x.checked_mul(10)?.checked_add(d as u64)?;
        }
    }
    Some(x)
}

const FX_K: u64 = 0xf135_7aea_2e62_a9c5;

/// An open-addressing hash table from integer label to id with the key and id side by
/// side, so a look-up usually touches one cache line (at most 3/4 full: 21–43 bytes
/// per label).
#[derive(Debug, Clone)]
struct IntTable {
    slots: Vec<IntSlot>,
    len: usize,
    shift: u32,
}

#[derive(Debug, Clone, Copy)]
struct IntSlot {
    key: u64,
    /// `id + 1`, or 0 for an empty slot.
    id: u32,
}

const EMPTY_SLOT: IntSlot = IntSlot { key: 0, id: 0 };

impl IntTable {
    fn with_capacity(n: usize) -> Self {
        let mut cap = 1024usize;
        while n * 4 >= cap * 3 {
            cap *= 2;
        }
        IntTable::with_slots(cap)
    }

    fn with_slots(cap: usize) -> Self {
        debug_assert!(cap.is_power_of_two());
        IntTable {
            slots: vec![EMPTY_SLOT; cap],
            len: 0,
            shift: 64 - cap.trailing_zeros(),
        }
    }

    #[inline]
    fn home(&self, key: u64) -> usize {
        // Fibonacci hashing: the top bits of the product are well mixed.
        (key.wrapping_mul(FX_K) >> self.shift) as usize
    }

    fn get(&self, key: u64) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let slot = self.slots[i];
            if slot.id == 0 {
                return None;
            }
            if slot.key == key {
                return Some(slot.id - 1);
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of `key`, giving it `next_id()` if it is new.
    #[inline]
    fn intern(
        &mut self,
        key: u64,
        next_id: impl FnOnce() -> Result<u32, BadKind>,
    ) -> Result<u32, BadKind> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let slot = self.slots[i];
            if slot.id == 0 {
                break;
            }
            if slot.key == key {
                return Ok(slot.id - 1);
            }
            i = (i + 1) & mask;
        }
        let id = next_id()?;
        self.slots[i] = IntSlot { key, id: id + 1 };
        self.len += 1;
        if self.len * 4 > self.slots.len() * 3 {
            self.grow();
        }
        Ok(id)
    }

    /// Insert a key known to be absent.
    fn place(&mut self, key: u64, id: u32) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        while self.slots[i].id != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = IntSlot { key, id: id + 1 };
        self.len += 1;
    }

    #[cold]
    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        let mut bigger = IntTable::with_slots(old.len() * 2);
        for slot in old {
            if slot.id != 0 {
                bigger.place(slot.key, slot.id - 1);
            }
        }
        *self = bigger;
    }

    fn from_labels(labels: &[u64]) -> Self {
        let mut t = IntTable::with_capacity(labels.len());
        for (i, &x) in labels.iter().enumerate() {
            t.place(x, i as u32);
        }
        t
    }
}

/// Hash of a byte string, well mixed in every bit.
#[inline]
fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let word = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ word).wrapping_mul(FX_K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut t = [0u8; 8];
        t[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(t)).wrapping_mul(FX_K);
    }
    // MurmurHash3 finaliser.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// An open-addressing set of label ids keyed by the label text held in a
/// [`StringLabels`]: 4 bytes per slot, at most 3/4 full.
#[derive(Debug, Clone)]
struct StrTable {
    slots: Vec<u32>,
    len: usize,
}

const EMPTY: u32 = u32::MAX;

impl StrTable {
    fn new() -> Self {
        StrTable {
            slots: vec![EMPTY; 1024],
            len: 0,
        }
    }

    fn build(labels: &StringLabels) -> Self {
        let mut cap = 1024;
        while labels.len() * 4 >= cap * 3 {
            cap *= 2;
        }
        let mut t = StrTable {
            slots: vec![EMPTY; cap],
            len: 0,
        };
        for id in 0..labels.len() as u32 {
            t.place(hash_bytes(labels.bytes(id)), id);
        }
        t
    }

    #[inline]
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// Put `id` in the first free slot of its probe sequence (it must be absent).
    fn place(&mut self, hash: u64, id: u32) {
        let mask = self.mask();
        let mut i = hash as usize & mask;
        while self.slots[i] != EMPTY {
            i = (i + 1) & mask;
        }
        self.slots[i] = id;
        self.len += 1;
    }

    fn find(&self, key: &[u8], labels: &StringLabels) -> Option<u32> {
        let mask = self.mask();
        let mut i = hash_bytes(key) as usize & mask;
        loop {
            let id = self.slots[i];
            if id == EMPTY {
                return None;
            }
            if labels.bytes(id) == key {
                return Some(id);
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of `key`, adding it to `labels` if new.
    #[inline]
    fn intern(&mut self, key: &str, labels: &mut StringLabels) -> Result<u32, BadKind> {
        let hash = hash_bytes(key.as_bytes());
        let mask = self.mask();
        let mut i = hash as usize & mask;
        loop {
            let id = self.slots[i];
            if id == EMPTY {
                break;
            }
            if labels.bytes(id) == key.as_bytes() {
                return Ok(id);
            }
            i = (i + 1) & mask;
        }
        let id = new_id(labels.len())?;
        labels.push(key);
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            *self = StrTable::build(labels);
        } else {
            self.slots[i] = id;
            self.len += 1;
        }
        Ok(id)
    }
}

/// Integer label → id: a direct table indexed by the label while labels are small
/// (one memory access per look-up; the table is zero-initialised so untouched pages
/// cost nothing), switching for good to a hash map when a label is too large for that.
#[derive(Default)]
struct IntIndex {
    /// `dense[x]` is `id + 1` for label `x`, or 0 when `x` has not been seen.
    dense: Vec<u32>,
    /// Used instead of `dense` once some label was too large for it.
    map: Option<IntTable>,
}

/// Labels below this always fit the direct table (64 MiB of address space at most).
const DENSE_FLOOR: u64 = 1 << 24;
/// Above the floor, the direct table may have this many slots per node seen.
const DENSE_PER_NODE: u64 = 8;

impl IntIndex {
    #[inline]
    fn intern(&mut self, x: u64, labels: &mut Vec<u64>) -> Result<u32, BadKind> {
        if self.map.is_none() {
            if x >= self.dense.len() as u64 && !self.grow_dense(x, labels) {
                return self.intern(x, labels);
            }
            let slot = &mut self.dense[x as usize];
            if *slot != 0 {
                return Ok(*slot - 1);
            }
            let id = new_id(labels.len())?;
            labels.push(x);
            *slot = id + 1;
            return Ok(id);
        }
        let map = self.map.as_mut().expect("map mode");
        map.intern(x, || {
            let id = new_id(labels.len())?;
            labels.push(x);
            Ok(id)
        })
    }

    /// Make the direct table cover `x` and return true, or switch to the hash map and
    /// return false.
    #[cold]
    fn grow_dense(&mut self, x: u64, labels: &[u64]) -> bool {
        let bound = DENSE_FLOOR.max(DENSE_PER_NODE * (labels.len() as u64 + 1));
        if x < bound {
            let len = (x + 1).max(2 * self.dense.len() as u64).min(bound) as usize;
            let mut dense = vec![0u32; len];
            dense[..self.dense.len()].copy_from_slice(&self.dense);
            self.dense = dense;
            true
        } else {
            self.map = Some(IntTable::from_labels(labels));
            self.dense = Vec::new();
            false
        }
    }
}

#[inline]
fn new_id(count: usize) -> Result<u32, BadKind> {
    if count >= MAX_NODES {
        Err(BadKind::TooManyNodes)
    } else {
        Ok(count as u32)
    }
}

/// Gives node ids to labels in order of first appearance.
enum Interner {
    Integers {
        index: IntIndex,
        labels: Vec<u64>,
    },
    Strings {
        table: StrTable,
        labels: StringLabels,
    },
}

impl Interner {
    fn new() -> Self {
        Interner::Integers {
            index: IntIndex::default(),
            labels: Vec::new(),
        }
    }

    #[inline]
    fn intern(&mut self, token: &[u8]) -> Result<u32, BadKind> {
        if let Interner::Integers { index, labels } = self {
            if let Some(x) = parse_int_label(token) {
                return index.intern(x, labels);
            }
            let text = std::str::from_utf8(token).map_err(|_| BadKind::NotUtf8)?;
            self.switch_to_strings();
            return self.intern_str(text);
        }
        let text = std::str::from_utf8(token).map_err(|_| BadKind::NotUtf8)?;
        self.intern_str(text)
    }

    /// Both labels as integers, their table entries prefetched, when they can be
    /// looked up later with [`Interner::intern_ahead`]: integer labels that the
    /// direct table already covers, with room for the ids of `pending` more edges
    /// and this one. None otherwise (then look them up now with
    /// [`Interner::intern`], after the pending ones).
    #[inline]
    fn look_ahead(&self, a: &[u8], b: &[u8], pending: usize) -> Option<(u64, u64)> {
        let Interner::Integers { index, labels } = self else {
            return None;
        };
        if index.map.is_some() || labels.len() + 2 * (pending + 1) >= MAX_NODES {
            return None;
        }
        let (x, y) = (parse_int_label(a)?, parse_int_label(b)?);
        let (slot_x, slot_y) = (index.dense.get(x as usize)?, index.dense.get(y as usize)?);
        prefetch(slot_x);
        prefetch(slot_y);
        Some((x, y))
    }

    /// The id of an integer label that [`Interner::look_ahead`] accepted. Until
    /// then only this and `look_ahead` have run: the table has not moved to a
    /// hash map or to text (which happens only in [`Interner::intern`]), and it
    /// only grows, so the label is still covered and there is room for its id.
    #[inline]
    fn intern_ahead(&mut self, x: u64) -> u32 {
        let Interner::Integers { index, labels } = self else {
            unreachable!("look_ahead accepts integer labels only");
        };
        index
            .intern(x, labels)
            .expect("look_ahead left room for the ids")
    }

    fn intern_str(&mut self, text: &str) -> Result<u32, BadKind> {
        match self {
            Interner::Strings { table, labels } => table.intern(text, labels),
            Interner::Integers { .. } => unreachable!("switched to strings first"),
        }
    }

    /// Switch to text labels, writing the integer labels seen so far as decimals.
    #[cold]
    fn switch_to_strings(&mut self) {
        if let Interner::Integers { labels, .. } = self {
            let mut strings = StringLabels {
                text: String::with_capacity(labels.len() * 8),
                ends: Vec::with_capacity(labels.len()),
            };
            for &x in labels.iter() {
                let _ = write!(strings.text, "{x}");
                strings.ends.push(strings.text.len());
            }
            let table = StrTable::build(&strings);
            *self = Interner::Strings {
                table,
                labels: strings,
            };
        }
    }

    fn into_labels(self) -> Labels {
        match self {
            Interner::Integers { labels, .. } => Labels::Integers(labels),
            Interner::Strings { labels, .. } => Labels::Strings(labels),
        }
    }
}

impl Default for StrTable {
    fn default() -> Self {
        StrTable::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_labels_are_canonical_decimals() {
        assert_eq!(parse_int_label(b"0"), Some(0));
        assert_eq!(parse_int_label(b"7"), Some(7));
        assert_eq!(parse_int_label(b"007"), None);
        assert_eq!(parse_int_label(b"-1"), None);
        assert_eq!(parse_int_label(b"+1"), None);
        assert_eq!(parse_int_label(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_int_label(b"18446744073709551616"), None);
        assert_eq!(parse_int_label(b"99999999999999999999"), None);
        assert_eq!(parse_int_label(b"1a"), None);
    }

    #[test]
    fn integer_index_switches_from_direct_table_to_hash_map() {
        let mut index = IntIndex::default();
        let mut labels = Vec::new();
        let seq = [5u64, 3, 5, 1 << 30, 7, 3, 1 << 30, u64::MAX, 7, 9];
        let ids: Vec<u32> = seq
            .iter()
            .map(|&x| index.intern(x, &mut labels).unwrap())
            .collect();
        assert_eq!(ids, [0, 1, 0, 2, 3, 1, 2, 4, 3, 5]);
        assert!(index.map.is_some());
        assert_eq!(labels, [5, 3, 1 << 30, 7, u64::MAX, 9]);

        let mut index = IntIndex::default();
        let mut labels = Vec::new();
        // Past the floor, labels up to 8 per node stay in the direct table.
        for i in 0..9_000_000u64 {
            index.intern(2 * i, &mut labels).unwrap();
        }
        assert!(index.map.is_none(), "dense labels stay in the direct table");
        assert!(index.dense.len() as u64 > DENSE_FLOOR);
        assert_eq!(index.intern(2 * 8_999_999, &mut labels), Ok(8_999_999));
        assert_eq!(index.intern(1, &mut labels), Ok(9_000_000));
    }

    #[test]
    fn string_table_grows_and_finds() {
        let mut labels = StringLabels::default();
        let mut t = StrTable::new();
        for i in 0..5000 {
            assert_eq!(t.intern(&format!("n{i}"), &mut labels), Ok(i));
        }
        for i in 0..5000 {
            assert_eq!(t.intern(&format!("n{i}"), &mut labels), Ok(i));
            assert_eq!(t.find(format!("n{i}").as_bytes(), &labels), Some(i));
        }
        assert_eq!(t.find(b"x", &labels), None);
        assert_eq!(labels.len(), 5000);
    }
}
