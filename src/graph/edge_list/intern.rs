//! Label look-up structures: the tables that give node ids to labels in order of
//! first appearance while a file is read ([`Interner`]: a direct table or a hash
//! table for integer labels, a hash table over packed text for text labels), and
//! the index from label back to id ([`LabelLookup`]).

use std::fmt::Write as _;

use super::diagnostics::BadKind;
use super::{Labels, StringLabels, MAX_NODES};
use crate::graph::csr::prefetch;

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

impl<'a> LabelLookup<'a> {
    /// The index of `labels` (see [`Labels::lookup`]).
    pub(super) fn new(labels: &'a Labels) -> Self {
        match labels {
            Labels::Integers(v) => LabelLookup(Lookup::Integers(IntTable::from_labels(v))),
            Labels::Strings(s) => LabelLookup(Lookup::Strings {
                labels: s,
                table: StrTable::build(s),
            }),
        }
    }
}

/// A canonical decimal integer label: digits only, no leading zeros unless it is `0`,
/// fits `u64`.
#[inline]
pub(super) fn parse_int_label(t: &[u8]) -> Option<u64> {
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

/// The keys of a table's hash, drawn from the operating system's randomness (through
/// std's `RandomState`) for every table: labels crafted to collide in one table's
/// hash do not collide in another's, so reading stays linear in the input whatever
/// the labels. Ids are given in order of first appearance, never in table order,
/// so no result depends on the keys.
#[derive(Debug, Clone, Copy)]
struct Seed(u64, u64);

impl Seed {
    fn random() -> Self {
        use std::hash::BuildHasher;
        let state = std::collections::hash_map::RandomState::new();
        Seed(state.hash_one(0x5eed_u64), state.hash_one(0xfeed_u64) | 1)
    }
}

/// The 128-bit product of `a` and `b`, its halves xor-ed (foldhash's mixing step):
/// every bit of the result depends on every bit of both.
#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// An open-addressing hash table from integer label to id with the key and id side by
/// side, so a look-up usually touches one cache line (at most 3/4 full: 21–43 bytes
/// per label).
#[derive(Debug, Clone)]
struct IntTable {
    slots: Vec<IntSlot>,
    len: usize,
    shift: u32,
    seed: Seed,
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
        IntTable::with_slots(cap, Seed::random())
    }

    fn with_slots(cap: usize, seed: Seed) -> Self {
        debug_assert!(cap.is_power_of_two());
        IntTable {
            slots: vec![EMPTY_SLOT; cap],
            len: 0,
            shift: 64 - cap.trailing_zeros(),
            seed,
        }
    }

    #[inline]
    fn home(&self, key: u64) -> usize {
        // A keyed folded multiply; its top bits are well mixed. (An unkeyed
        // `key * K` let crafted labels `j * K⁻¹` all share one home slot.)
        (fold_mul(key ^ self.seed.0, self.seed.1) >> self.shift) as usize
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
        let mut bigger = IntTable::with_slots(old.len() * 2, self.seed);
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

/// Keyed hash of a byte string, well mixed in every bit. (The unkeyed
/// `(h.rotl(5) ^ word) * K` it replaces let a second word cancel the first:
/// 16-byte labels could be crafted to collide in all 64 bits.)
#[inline]
fn hash_bytes(bytes: &[u8], seed: Seed) -> u64 {
    let mut h = seed.0 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let word = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = fold_mul(h ^ word, seed.1);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut t = [0u8; 8];
        t[..rest.len()].copy_from_slice(rest);
        h = fold_mul(h ^ u64::from_le_bytes(t), seed.1);
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
pub(super) struct StrTable {
    slots: Vec<u32>,
    len: usize,
    seed: Seed,
}

const EMPTY: u32 = u32::MAX;

impl StrTable {
    fn new() -> Self {
        StrTable {
            slots: vec![EMPTY; 1024],
            len: 0,
            seed: Seed::random(),
        }
    }

    fn build(labels: &StringLabels) -> Self {
        StrTable::build_with(labels, Seed::random())
    }

    fn build_with(labels: &StringLabels, seed: Seed) -> Self {
        let mut cap = 1024;
        while labels.len() * 4 >= cap * 3 {
            cap *= 2;
        }
        let mut t = StrTable {
            slots: vec![EMPTY; cap],
            len: 0,
            seed,
        };
        for id in 0..labels.len() as u32 {
            t.place(hash_bytes(labels.bytes(id), seed), id);
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
        let mut i = hash_bytes(key, self.seed) as usize & mask;
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
        let hash = hash_bytes(key.as_bytes(), self.seed);
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
            *self = StrTable::build_with(labels, self.seed);
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
pub(super) struct IntIndex {
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
pub(super) enum Interner {
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
    pub(super) fn new() -> Self {
        Interner::Integers {
            index: IntIndex::default(),
            labels: Vec::new(),
        }
    }

    #[inline]
    pub(super) fn intern(&mut self, token: &[u8]) -> Result<u32, BadKind> {
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
    pub(super) fn look_ahead(&self, a: &[u8], b: &[u8], pending: usize) -> Option<(u64, u64)> {
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
    pub(super) fn intern_ahead(&mut self, x: u64) -> u32 {
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

    pub(super) fn into_labels(self) -> Labels {
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
