//! The edge-list reader's label tables against `hashbrown` (SwissTable).
//!
//! The reader gives node ids to labels in order of first appearance with three
//! hand-written tables: `IntTable` (open addressing, integer key and id side by side,
//! a fixed multiplicative hash), `StrTable` (open addressing over ids into the packed
//! label text) and `IntIndex` (a direct table for small integer labels, switching to
//! `IntTable` for large ones). They are private, so they are timed inside the public
//! reader (`parse_edge_list` on an in-memory edge list whose lines are consecutive
//! pairs of the label sequence), against a minimal reading loop with the same
//! tokenisation (two fields split by spaces) and a hashbrown table, with foldhash
//! (fast, per-process seed) and with std's `RandomState` (SipHash-1-3, randomly
//! seeded: the collision-resistant reference). The loop does no checks and builds no
//! CSR, so the reader's time is an upper bound on its tables' time.
//!
//! * `ints_*`: every label of a set of distinct random integers below 10^9 looked up
//!   twice, in random order (2n look-ups, n distinct labels): `IntTable`.
//! * `dense_*`: the same shape with the labels a permutation of 0..n (the labels of
//!   SNAP-style files): `IntIndex`'s direct table.
//! * `text_*`: the integers of `ints_*` written as `user{x}`: `StrTable`.
//! * `intern_only_*`: the hashbrown tables alone on the label sequence, without
//!   reading (what the tables cost inside the loop).
//! * `read_2m_lines`: `read_edge_list` on a generated 2x10^6-line file, end to end
//!   (context), beside the minimal loop.
//!
//! Every loop is checked, once, to give the reader's labels in the reader's order.
//!
//! Run: cargo bench --bench labels -- --warm-up-time 1 --measurement-time 5

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use hashbrown::hash_map::Entry;
use hashbrown::{HashMap, HashTable};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::HashSet;
use std::hash::BuildHasher;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use wom::graph::edge_list::{parse_edge_list, read_edge_list, EdgeListOptions, Labels};

type Fold = foldhash::fast::RandomState;
type Sip = std::hash::RandomState;

/// Label → id in order of first appearance.
trait Intern: Default {
    fn intern(&mut self, token: &[u8]) -> u32;
    fn into_labels(self) -> Labels;
}

/// Integer labels in a `hashbrown::HashMap<u64, u32>` (key and id side by side, as
/// in `IntTable`).
struct Ints<S> {
    map: HashMap<u64, u32, S>,
    labels: Vec<u64>,
}

impl<S: BuildHasher + Default> Default for Ints<S> {
    fn default() -> Self {
        Ints {
            map: HashMap::default(),
            labels: Vec::new(),
        }
    }
}

impl<S: BuildHasher + Default> Ints<S> {
    #[inline]
    fn intern_int(&mut self, x: u64) -> u32 {
        match self.map.entry(x) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let id = self.labels.len() as u32;
                self.labels.push(x);
                *e.insert(id)
            }
        }
    }
}

impl<S: BuildHasher + Default> Intern for Ints<S> {
    #[inline]
    fn intern(&mut self, token: &[u8]) -> u32 {
        let x = token.iter().fold(0u64, |x, &d| x * 10 + (d - b'0') as u64);
        self.intern_int(x)
    }

    fn into_labels(self) -> Labels {
        Labels::Integers(self.labels)
    }
}

/// Text labels in a `hashbrown::HashTable<u32>` of ids into the packed text (4 bytes
/// a slot, the layout of `StrTable`; a `HashMap<String, u32>` would hold every label
/// twice, once as key and once by id).
struct Text<S> {
    state: S,
    table: HashTable<u32>,
    text: Vec<u8>,
    ends: Vec<usize>,
}

impl<S: Default> Default for Text<S> {
    fn default() -> Self {
        Text {
            state: S::default(),
            table: HashTable::new(),
            text: Vec::new(),
            ends: Vec::new(),
        }
    }
}

fn packed<'a>(text: &'a [u8], ends: &[usize], id: u32) -> &'a [u8] {
    let i = id as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &text[start..ends[i]]
}

impl<S: BuildHasher + Default> Intern for Text<S> {
    #[inline]
    fn intern(&mut self, key: &[u8]) -> u32 {
        let Text {
            state,
            table,
            text,
            ends,
        } = self;
        let hash = state.hash_one(key);
        if let Some(&id) = table.find(hash, |&id| packed(text, ends, id) == key) {
            return id;
        }
        let id = ends.len() as u32;
        text.extend_from_slice(key);
        ends.push(text.len());
        table.insert_unique(hash, id, |&id| state.hash_one(packed(text, ends, id)));
        id
    }

    fn into_labels(self) -> Labels {
        let mut start = 0;
        let mut out = Vec::with_capacity(self.ends.len());
        for &end in &self.ends {
            out.push(String::from_utf8(self.text[start..end].to_vec()).unwrap());
            start = end;
        }
        // Build the reader's `Labels::Strings` the public way, to compare.
        let file: String = out.iter().map(|l| format!("{l} {l}\n")).collect();
        parse_edge_list(file.as_bytes(), "check", EdgeListOptions::default())
            .map(|e| e.labels)
            .unwrap_or(Labels::Integers(Vec::new()))
    }
}

/// The minimal reading loop: lines of two fields split by spaces or tabs, interned
/// with `T`; the edges as id pairs (no checks, no CSR).
fn reference<T: Intern, R: BufRead>(mut reader: R) -> (T, Vec<(u32, u32)>) {
    let mut table = T::default();
    let mut edges = Vec::new();
    let mut line = Vec::with_capacity(256);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).unwrap() == 0 {
            break;
        }
        let mut fields = line
            .split(|&b| b == b' ' || b == b'\t' || b == b'\n' || b == b'\r')
            .filter(|f| !f.is_empty());
        let (a, b) = (fields.next().unwrap(), fields.next().unwrap());
        let u = table.intern(a);
        let v = table.intern(b);
        edges.push((u, v));
    }
    (table, edges)
}

fn wom_reader(bytes: &[u8]) -> Labels {
    parse_edge_list(bytes, "bench", EdgeListOptions::default())
        .unwrap()
        .labels
}

/// `distinct`, each label twice, in random order.
fn doubled(distinct: Vec<u64>, rng: &mut Xoshiro256PlusPlus) -> Vec<u64> {
    let mut keys = distinct.clone();
    keys.extend_from_slice(&distinct);
    for i in (1..keys.len()).rev() {
        let j = rng.gen_range(0..=i);
        keys.swap(i, j);
    }
    keys
}

fn random_labels(n: usize, rng: &mut Xoshiro256PlusPlus) -> Vec<u64> {
    let mut seen = HashSet::with_capacity(n);
    let mut distinct = Vec::with_capacity(n);
    while distinct.len() < n {
        let x = rng.gen_range(0..1_000_000_000u64);
        if seen.insert(x) {
            distinct.push(x);
        }
    }
    distinct
}

/// An edge list whose lines are consecutive pairs of `keys`, each written with
/// `prefix`.
fn edge_list(keys: &[u64], prefix: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(keys.len() * 14);
    for pair in keys.chunks_exact(2) {
        writeln!(out, "{prefix}{} {prefix}{}", pair[0], pair[1]).unwrap();
    }
    out
}

fn intern_all<T: Intern>(bytes: &[u8]) -> T {
    let mut table = T::default();
    for token in bytes
        .split(|&b| b == b' ' || b == b'\n')
        .filter(|t| !t.is_empty())
    {
        black_box(table.intern(token));
    }
    table
}

fn compare<I: Intern, J: Intern>(c: &mut Criterion, group: &str, n: usize, bytes: &[u8]) {
    let expected = wom_reader(bytes);
    assert_eq!(expected.len(), n);
    assert_eq!(reference::<I, _>(bytes).0.into_labels(), expected);
    assert_eq!(reference::<J, _>(bytes).0.into_labels(), expected);

    let mut group = c.benchmark_group(group);
    group.sample_size(10);
    group.bench_with_input(BenchmarkId::new("wom_parse_edge_list", n), bytes, |b, x| {
        b.iter(|| wom_reader(x))
    });
    group.bench_with_input(
        BenchmarkId::new("loop_hashbrown_foldhash", n),
        bytes,
        |b, x| b.iter(|| reference::<I, _>(x)),
    );
    group.bench_with_input(
        BenchmarkId::new("loop_hashbrown_siphash", n),
        bytes,
        |b, x| b.iter(|| reference::<J, _>(x)),
    );
    group.bench_with_input(
        BenchmarkId::new("intern_only_foldhash", n),
        bytes,
        |b, x| b.iter(|| intern_all::<I>(x)),
    );
    group.finish();
}

const N: usize = 1_000_000;

fn integers(c: &mut Criterion) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let keys = doubled(random_labels(N, &mut rng), &mut rng);
    compare::<Ints<Fold>, Ints<Sip>>(c, "ints_below_1e9", N, &edge_list(&keys, ""));
}

fn dense(c: &mut Criterion) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
    let keys = doubled((0..N as u64).collect(), &mut rng);
    compare::<Ints<Fold>, Ints<Sip>>(c, "dense_ints", N, &edge_list(&keys, ""));
}

fn text(c: &mut Criterion) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let keys = doubled(random_labels(N, &mut rng), &mut rng);
    compare::<Text<Fold>, Text<Sip>>(c, "text_user", N, &edge_list(&keys, "user"));
}

fn whole_file(c: &mut Criterion) {
    const LINES: usize = 2_000_000;
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let distinct = random_labels(N, &mut rng);
    let ends = doubled([distinct.clone(), distinct].concat(), &mut rng);
    let path = dir.path().join("labels_below_1e9.txt");
    let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
    out.write_all(&edge_list(&ends, "")).unwrap();
    out.into_inner().unwrap().sync_all().unwrap();
    let open = |p: &Path| BufReader::with_capacity(1 << 20, std::fs::File::open(p).unwrap());

    let read = read_edge_list(&path, EdgeListOptions::default()).unwrap();
    let (table, edges) = reference::<Ints<Fold>, _>(open(&path));
    assert_eq!((edges.len(), read.edges_read), (LINES, LINES as u64));
    assert_eq!(read.labels, table.into_labels());

    let mut group = c.benchmark_group("read_2m_lines");
    group.sample_size(10);
    group.bench_with_input("wom_read_edge_list", &path, |b, p| {
        b.iter(|| read_edge_list(p, EdgeListOptions::default()).unwrap())
    });
    group.bench_with_input("loop_hashbrown_foldhash", &path, |b, p| {
        b.iter(|| reference::<Ints<Fold>, _>(open(p)))
    });
    group.finish();
}

criterion_group!(labels, integers, dense, text, whole_file);
criterion_main!(labels);
