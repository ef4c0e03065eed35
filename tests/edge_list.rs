//! Edge list reader: real graphs, every accepted format, every error class.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use wom::graph::edge_list::*;
use wom::{Diagnostic, WomError};

const UNDIRECTED: EdgeListOptions = EdgeListOptions {
    directed: false,
    weighted: false,
};
const DIRECTED: EdgeListOptions = EdgeListOptions {
    directed: true,
    weighted: false,
};
const WEIGHTED: EdgeListOptions = EdgeListOptions {
    directed: false,
    weighted: true,
};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

fn parse(text: &str, options: EdgeListOptions) -> Result<EdgeList, WomError> {
    parse_edge_list(text.as_bytes(), "test.txt", options)
}

fn ok(text: &str, options: EdgeListOptions) -> EdgeList {
    parse(text, options).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
}

/// The single diagnostic of an input error (exit code 2).
fn diagnostic(result: Result<EdgeList, WomError>) -> Diagnostic {
    let err = result.expect_err("should fail");
    assert_eq!(err.exit_code(), 2, "{err}");
    match err {
        WomError::Input(mut d) => {
            assert_eq!(d.len(), 1);
            d.remove(0)
        }
        other => panic!("expected an input error, got {other}"),
    }
}

/// Sorted neighbour labels of the node labelled `label`.
fn neighbors(g: &EdgeList, label: &str) -> Vec<String> {
    let id = g.labels.find(label).expect("label present");
    let mut v: Vec<String> = g
        .csr
        .neighbors(id)
        .iter()
        .map(|&t| g.labels.label(t))
        .collect();
    v.sort();
    v
}

/// Weight of the arc u → v, by labels.
fn weight(g: &EdgeList, u: &str, v: &str) -> f32 {
    let lookup = g.labels.lookup();
    let (u, v) = (lookup.get(u).unwrap(), lookup.get(v).unwrap());
    let i = g.csr.neighbors(u).iter().position(|&t| t == v).unwrap();
    g.csr.neighbor_weights(u).unwrap()[i]
}

fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

// ---------------------------------------------------------------- real graphs

#[test]
fn facebook_counts_are_exact() {
    let g = read_edge_list(&data("facebook_combined.txt.gz"), UNDIRECTED).unwrap();
    assert_eq!(g.csr.node_count(), 4_039);
    assert_eq!(g.csr.tie_count(), 88_234);
    assert_eq!(g.cleaning.duplicates, 0);
    assert_eq!(g.cleaning.self_loops, 0);
    assert_eq!(g.edges_read, 88_234);
    assert_eq!(g.lines, 88_235);
    assert!(matches!(g.labels, Labels::Integers(_)));
    assert_eq!(g.labels.len(), 4_039);
    assert_eq!(g.labels.label(0), "0");
    assert!(!g.csr.is_directed());
}

#[test]
fn enron_gzip_undirected_counts_are_exact() {
    let g = read_edge_list(&data("email-Enron.txt.gz"), UNDIRECTED).unwrap();
    assert_eq!(g.csr.node_count(), 36_692);
    assert_eq!(g.csr.tie_count(), 183_831);
    assert_eq!(g.cleaning.duplicates, 183_831);
    assert_eq!(g.cleaning.self_loops, 0);
    assert_eq!(g.edges_read, 367_662);
    assert_eq!(g.lines, 367_662 + 4);
}

#[test]
fn enron_gzip_directed_counts_are_exact() {
    let g = read_edge_list(&data("email-Enron.txt.gz"), DIRECTED).unwrap();
    assert_eq!(g.csr.node_count(), 36_692);
    assert_eq!(g.csr.tie_count(), 367_662);
    assert_eq!(g.csr.arc_count(), 367_662);
    assert_eq!(g.cleaning, Default::default());
    assert!(g.csr.is_directed());
}

// ---------------------------------------------------------------- formats

#[test]
fn every_separator_comment_and_line_ending_gives_the_same_graph() {
    let variants = [
        "1 2\n2 3\n3 1\n",
        "1\t2\n2\t3\n3\t1\n",
        "1,2\n2,3\n3,1\n",
        "1 , 2\n2\t,3\n3,\t 1\n",
        "  1   2  \n\t2 \t 3\n3  \t1",
        "# comment\n% other comment\n\n1 2\n   # indented comment\n2 3\n\n\n3 1\n",
        "1 2 # trailing comment\n2 3 #x\n3 1\t# tab then comment\n",
        "1 2\r\n2 3\r\n3 1\r\n",
        "# c\r\n\r\n1,2\r\n2\t3 # c\r\n3 1",
        "\u{feff}1 2\n2 3\n3 1\n",
    ];
    for text in variants {
        let g = ok(text, UNDIRECTED);
        assert_eq!(g.csr.node_count(), 3, "{text:?}");
        assert_eq!(g.csr.tie_count(), 3, "{text:?}");
        assert_eq!(g.edges_read, 3, "{text:?}");
        assert_eq!(g.labels, Labels::Integers(vec![1, 2, 3]), "{text:?}");
        assert_eq!(neighbors(&g, "1"), ["2", "3"], "{text:?}");
    }
}

#[test]
fn lines_counts_comments_and_blanks() {
    let g = ok("# a\n\n1 2\n% b\n2 3\n", UNDIRECTED);
    assert_eq!(g.lines, 5);
    assert_eq!(g.edges_read, 2);
}

#[test]
fn ids_follow_first_appearance() {
    let g = ok("10 5\n5 3\n99 10\n", UNDIRECTED);
    assert_eq!(g.labels, Labels::Integers(vec![10, 5, 3, 99]));
    assert_eq!(g.csr.neighbors(0), &[1, 3]);
}

/// Integer labels are looked up some lines after they are read (to overlap the
/// cache misses); ids, ties and weights must still follow the file's order,
/// also across a switch of the label table to a hash map or to text labels.
#[test]
fn ids_ties_and_weights_follow_the_file_across_the_look_ahead() {
    let mut state = 12345u64;
    let mut next = |below: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % below
    };
    // (line at which a huge integer label appears, line at which a text label does)
    for (huge_at, text_at) in [
        (None, None),
        (Some(3000), None),
        (Some(2000), Some(4000)),
        (None, Some(10)),
    ] {
        let mut text = String::new();
        let mut tokens: Vec<(String, String, f32)> = Vec::new();
        for line in 0..5000 {
            if next(50) == 0 {
                text.push_str("# a comment\n\n");
            }
            let mut label = |i: usize| -> String {
                if huge_at == Some(line) && i == 1 {
                    "18446744073709551000".to_string()
                } else if text_at == Some(line) && i == 0 {
                    "alice".to_string()
                } else {
                    // Mostly small labels, some that make the direct table grow.
                    let range = if next(10) == 0 { 5_000_000 } else { 3000 };
                    next(range).to_string()
                }
            };
            let (a, b) = (label(0), label(1));
            let w = (1 + next(1000)) as f32 / 1000.0;
            text.push_str(&format!("{a} {b} {w}\n"));
            tokens.push((a, b, w));
        }
        let g = ok(&text, WEIGHTED);
        // Reference: ids by first appearance, ties without loops or repeats, the
        // first listed weight of each tie.
        let mut ids: std::collections::HashMap<String, u32> = Default::default();
        let mut order: Vec<String> = Vec::new();
        let mut ties: std::collections::BTreeMap<(u32, u32), f32> = Default::default();
        for (a, b, w) in &tokens {
            let mut id = |label: &String| {
                *ids.entry(label.clone()).or_insert_with(|| {
                    order.push(label.clone());
                    order.len() as u32 - 1
                })
            };
            let (u, v) = (id(a), id(b));
            if u != v {
                ties.entry((u.min(v), u.max(v))).or_insert(*w);
            }
        }
        let labels: Vec<String> = (0..g.csr.node_count() as u32)
            .map(|i| g.labels.label(i))
            .collect();
        assert_eq!(labels, order, "{huge_at:?} {text_at:?}");
        assert_eq!(g.csr.tie_count(), ties.len() as u64);
        for (&(u, v), &w) in &ties {
            let at = g
                .csr
                .neighbors(u)
                .iter()
                .position(|&x| x == v)
                .expect("tie present");
            assert_eq!(g.csr.neighbor_weights(u).unwrap()[at], w);
        }
    }
}

#[test]
fn string_labels_and_integer_labels_mix_consistently() {
    let g = ok("1 2\n2 alice\nalice bob\n7 007\n007 carol\n", UNDIRECTED);
    let Labels::Strings(s) = &g.labels else {
        panic!("expected string labels")
    };
    assert_eq!(
        s.iter().collect::<Vec<_>>(),
        ["1", "2", "alice", "bob", "7", "007", "carol"]
    );
    // "7" and "007" are different nodes.
    assert_eq!(g.csr.node_count(), 7);
    assert_eq!(neighbors(&g, "007"), ["7", "carol"]);
    assert_eq!(neighbors(&g, "7"), ["007"]);
    assert_eq!(neighbors(&g, "2"), ["1", "alice"]);
    let lookup = g.labels.lookup();
    assert_eq!(lookup.get("alice"), Some(2));
    assert_eq!(lookup.get("7"), Some(4));
    assert_eq!(lookup.get("007"), Some(5));
    assert_eq!(lookup.get("nobody"), None);
    assert_eq!(g.labels.find("carol"), Some(6));
    assert_eq!(g.labels.label(2), "alice");
}

#[test]
fn integer_lookup_is_exact() {
    let g = ok("7 8\n18446744073709551615 7\n", UNDIRECTED);
    assert_eq!(g.labels, Labels::Integers(vec![7, 8, u64::MAX]));
    let lookup = g.labels.lookup();
    assert_eq!(lookup.get("18446744073709551615"), Some(2));
    assert_eq!(lookup.get("007"), None);
    assert_eq!(g.labels.find("8"), Some(1));
    assert_eq!(g.labels.find("08"), None);
    // One past u64::MAX is a string label.
    let g = ok("7 18446744073709551616\n", UNDIRECTED);
    assert!(matches!(g.labels, Labels::Strings(_)));
}

#[test]
fn many_string_labels() {
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!("user{i} user{}\n", (i + 1) % 20_000));
    }
    let g = ok(&text, UNDIRECTED);
    assert_eq!(g.csr.node_count(), 20_000);
    assert_eq!(g.csr.tie_count(), 20_000);
    assert_eq!(neighbors(&g, "user0"), ["user1", "user19999"]);
    let lookup = g.labels.lookup();
    for i in (0..20_000).step_by(997) {
        let id = lookup.get(&format!("user{i}")).unwrap();
        assert_eq!(g.labels.label(id), format!("user{i}"));
    }
}

#[test]
fn weights_land_on_the_right_arcs() {
    let g = ok("a b 0.5\nb c 0.25\nc a 1\n", WEIGHTED);
    assert!(g.csr.is_weighted());
    assert_eq!(weight(&g, "a", "b"), 0.5);
    assert_eq!(weight(&g, "b", "a"), 0.5);
    assert_eq!(weight(&g, "b", "c"), 0.25);
    assert_eq!(weight(&g, "c", "b"), 0.25);
    assert_eq!(weight(&g, "c", "a"), 1.0);
    assert_eq!(weight(&g, "a", "c"), 1.0);

    let directed = EdgeListOptions {
        directed: true,
        weighted: true,
    };
    let g = ok("1 2 0.125\n2 1 0.75\n2 3 1e-1 ignored 99\n", directed);
    assert_eq!(weight(&g, "1", "2"), 0.125);
    assert_eq!(weight(&g, "2", "1"), 0.75);
    assert_eq!(weight(&g, "2", "3"), 0.1);
    assert!(g.csr.neighbors(2).is_empty());
}

#[test]
fn first_listed_weight_of_a_repeated_tie_is_kept() {
    let g = ok("1 2 0.5\n2 1 0.25\n1 2 0.75\n", WEIGHTED);
    assert_eq!(g.cleaning.duplicates, 2);
    assert_eq!(weight(&g, "1", "2"), 0.5);
    assert_eq!(weight(&g, "2", "1"), 0.5);
}

#[test]
fn unweighted_reading_ignores_extra_columns() {
    let g = ok("1 2 1234567890\n2 3 17.5 x y\n", UNDIRECTED);
    assert!(!g.csr.is_weighted());
    assert_eq!(g.csr.tie_count(), 2);
    assert_eq!(g.labels, Labels::Integers(vec![1, 2, 3]));
}

#[test]
fn directed_and_undirected_differ() {
    let text = "1 2\n2 3\n";
    let d = ok(text, DIRECTED);
    assert_eq!(d.csr.neighbors(0), &[1]);
    assert_eq!(d.csr.neighbors(1), &[2]);
    assert!(d.csr.neighbors(2).is_empty());
    assert_eq!(d.csr.tie_count(), 2);
    let u = ok(text, UNDIRECTED);
    assert_eq!(u.csr.neighbors(1), &[0, 2]);
    assert_eq!(u.csr.neighbors(2), &[1]);
    assert_eq!(u.csr.arc_count(), 4);
}

#[test]
fn self_loops_and_duplicates_are_counted_exactly() {
    let text = "1 2\n2 1\n1 2\n3 3\n2 3\n3 3\n4 4\n";
    let u = ok(text, UNDIRECTED);
    assert_eq!(u.cleaning.self_loops, 3);
    assert_eq!(u.cleaning.duplicates, 2);
    assert_eq!(u.csr.tie_count(), 2);
    // A node seen only in a self-loop is still a node (isolated).
    assert_eq!(u.csr.node_count(), 4);
    assert_eq!(u.csr.degree(3), 0);
    assert_eq!(u.edges_read, 7);

    let d = ok(text, DIRECTED);
    assert_eq!(d.cleaning.self_loops, 3);
    assert_eq!(d.cleaning.duplicates, 1);
    assert_eq!(d.csr.tie_count(), 3);
}

#[test]
fn reads_plain_and_gzip_files() {
    let dir = tempfile::tempdir().unwrap();
    let text = b"# small\n1 2\n2 3\n3 1\n3 4\n";
    let plain = temp_file(&dir, "g.txt", text);
    let gz = temp_file(&dir, "g.txt.gz", &gzip(text));
    // Gzip content under a plain name is recognised by its magic bytes.
    let sneaky = temp_file(&dir, "g.edges", &gzip(text));
    for path in [&plain, &gz, &sneaky] {
        let g = read_edge_list(path, UNDIRECTED).unwrap();
        assert_eq!(g.csr.node_count(), 4);
        assert_eq!(g.csr.tie_count(), 4);
        assert_eq!(g.lines, 5);
    }
    // Concatenated gzip members are one stream.
    let mut two = gzip(b"1 2\n");
    two.extend(gzip(b"2 3\n"));
    let multi = temp_file(&dir, "multi.gz", &two);
    assert_eq!(
        read_edge_list(&multi, UNDIRECTED).unwrap().csr.tie_count(),
        2
    );
}

#[test]
fn long_lines_across_buffer_boundaries() {
    // Lines much longer than nothing in particular, and a file larger than the 1 MiB
    // read buffer, so lines straddle refills.
    let mut text = String::new();
    let long = "x".repeat(5000);
    for i in 0..200_000u32 {
        text.push_str(&format!("{i} {}\n", i + 1));
    }
    text.push_str(&format!("{long} 0\n"));
    let g = ok(&text, UNDIRECTED);
    assert_eq!(g.csr.node_count(), 200_002);
    assert_eq!(g.csr.tie_count(), 200_001);
    assert_eq!(g.labels.find(&long), Some(200_001));
}

// ---------------------------------------------------------------- errors

#[test]
fn missing_file() {
    let d = diagnostic(read_edge_list(
        Path::new("/no/such/dir/graph.txt"),
        UNDIRECTED,
    ));
    assert!(d.message.contains("not found"), "{d}");
    assert_eq!(d.file.as_deref(), Some("/no/such/dir/graph.txt"));
    assert!(d.to_string().contains("/no/such/dir/graph.txt"));
    assert!(d.help.is_some());
}

#[test]
fn directory_instead_of_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = diagnostic(read_edge_list(dir.path(), UNDIRECTED));
    assert!(d.message.contains("directory"), "{d}");
    assert!(d.help.is_some());
}

/// A path that cannot be opened for a reason other than "not found" (here its
/// parent is a file, which fails for every user, root included) is an input error
/// (exit code 2) that names the file and says why.
#[test]
fn unreadable_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = temp_file(&dir, "graph.txt", b"1 2\n");
    let path = file.join("inside.txt");
    let d = diagnostic(read_edge_list(&path, UNDIRECTED));
    assert!(
        d.message.starts_with("cannot open the edge list file: "),
        "{d}"
    );
    assert!(d.message.contains("Not a directory"), "{d}");
    assert_eq!(d.file.as_deref(), Some(path.to_str().unwrap()));
}

#[test]
fn one_field_line_reports_the_first_bad_line() {
    let d = diagnostic(parse("# header\n1 2\n\n2 3\nlonely\n4\n", UNDIRECTED));
    assert_eq!(d.line, Some(5));
    assert_eq!(d.column, Some(1));
    assert_eq!(d.file.as_deref(), Some("test.txt"));
    let text = d.to_string();
    assert!(text.contains("test.txt:5:1"), "{text}");
    assert!(text.contains("one field"), "{text}");
    assert!(text.contains("lonely"), "{text}");
    assert!(text.contains("two node labels"), "{text}");
    assert!(d.help.is_some());
}

#[test]
fn malformed_line_in_a_file_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "bad.txt", b"1 2\n2 3\n3\n");
    let d = diagnostic(read_edge_list(&path, UNDIRECTED));
    assert_eq!(d.line, Some(3));
    assert!(d.to_string().contains("bad.txt:3:"), "{d}");
    // Same in a gzip file.
    let path = temp_file(&dir, "bad.txt.gz", &gzip(b"1 2\n2 3\n3\n"));
    let d = diagnostic(read_edge_list(&path, UNDIRECTED));
    assert_eq!(d.line, Some(3));
    assert!(d.message.contains("one field"), "{d}");
}

#[test]
fn offending_text_is_truncated() {
    let long = "y".repeat(500);
    let d = diagnostic(parse(&format!("1 2\n{long}\n"), UNDIRECTED));
    assert_eq!(d.line, Some(2));
    assert!(d.message.len() < 300, "{}", d.message);
    assert!(d.message.contains('…'));
}

#[test]
fn empty_fields_are_errors() {
    let cases = [
        ("1,,2\n", 3, UNDIRECTED),
        (",1,2\n", 1, UNDIRECTED),
        ("1,2,\n", 4, WEIGHTED),
        ("1,2,,0.5\n", 5, WEIGHTED),
    ];
    for (text, column, options) in cases {
        let d = diagnostic(parse(text, options));
        assert_eq!(d.line, Some(1), "{text:?}");
        assert_eq!(d.column, Some(column), "{text:?}");
        assert!(d.message.contains("empty field"), "{d}");
    }
    // Columns after the ones used are not checked.
    assert_eq!(ok("1,2,\n2,3,,x\n", UNDIRECTED).csr.tie_count(), 2);
}

#[test]
fn bad_weights() {
    let cases = [
        ("1 2 0.5\n2 3 heavy\n", 2, "not a number"),
        ("1 2 0.5\n2 3 NaN\n", 2, "not a number"),
        ("1 2 inf\n", 1, "not a number"),
        ("1 2 0.5\n2 3 0.5\n3 4 1.5\n", 3, "outside (0, 1]"),
        ("1 2 0\n", 1, "outside (0, 1]"),
        ("1 2 -0.5\n", 1, "outside (0, 1]"),
        ("1 2 1e-60\n", 1, "rounds to 0 in a 32-bit float"),
        ("1 2 0.5\n2 3\n", 2, "weighted"),
    ];
    for (text, line, words) in cases {
        let d = diagnostic(parse(text, WEIGHTED));
        assert_eq!(d.line, Some(line), "{text:?}: {d}");
        assert!(d.message.contains(words), "{text:?}: {d}");
        assert!(d.message.contains("(0, 1]"), "{text:?}: {d}");
        assert!(d.help.is_some());
    }
    let d = diagnostic(parse("1 2 heavy\n", WEIGHTED));
    assert_eq!(d.column, Some(5));
    assert!(d.message.contains("`heavy`"), "{d}");
}

#[test]
fn non_utf8_label_is_a_malformed_line() {
    let bytes: &[u8] = b"1 2\n2 caf\xe9\n";
    let d = diagnostic(parse_edge_list(bytes, "latin1.txt", UNDIRECTED));
    assert_eq!(d.line, Some(2));
    assert_eq!(d.column, Some(3));
    assert!(d.message.contains("UTF-8"), "{d}");
    // Bytes in ignored columns and comments are not checked.
    let bytes: &[u8] = b"# caf\xe9\n1 2 caf\xe9\n";
    assert_eq!(
        parse_edge_list(bytes, "x", UNDIRECTED)
            .unwrap()
            .csr
            .tie_count(),
        1
    );
}

#[test]
fn empty_inputs_have_no_edges() {
    let d = diagnostic(parse("", UNDIRECTED));
    assert!(d.message.contains("no edges"), "{d}");
    assert!(d.message.contains("empty"), "{d}");
    assert!(d.help.is_some());
    for text in ["# only\n% comments\n\n   \n", "\n\n\n", "1 2 # a\n"] {
        let r = parse(text, UNDIRECTED);
        if text.starts_with('1') {
            assert!(r.is_ok());
            continue;
        }
        let d = diagnostic(r);
        assert!(d.message.contains("no edges"), "{d}");
        assert!(d.message.contains("blank or comments"), "{d}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "empty.txt", b"");
    let d = diagnostic(read_edge_list(&path, UNDIRECTED));
    assert!(d.message.contains("no edges"), "{d}");
    assert!(d.to_string().contains("empty.txt"));
    let path = temp_file(&dir, "comments.txt.gz", &gzip(b"# nothing here\n"));
    let d = diagnostic(read_edge_list(&path, UNDIRECTED));
    assert!(d.message.contains("no edges"), "{d}");
}

fn big_text() -> Vec<u8> {
    let mut text = Vec::new();
    for i in 0..50_000u32 {
        writeln!(text, "{i} {}", (i * 7919) % 50_000).unwrap();
    }
    text
}

#[test]
fn truncated_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let gz = gzip(&big_text());
    for cut in [gz.len() / 2, gz.len() - 4, 12] {
        let path = temp_file(&dir, "cut.txt.gz", &gz[..cut]);
        let d = diagnostic(read_edge_list(&path, UNDIRECTED));
        assert!(d.message.contains("not valid gzip"), "cut {cut}: {d}");
        assert!(d.message.contains("truncated"), "cut {cut}: {d}");
        assert!(d.help.is_some());
    }
}

#[test]
fn corrupt_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let gz = gzip(&big_text());
    // Damage the compressed body, the CRC trailer, and the header.
    let mut body = gz.clone();
    for b in &mut body[gz.len() / 3..gz.len() / 3 + 16] {
        *b ^= 0x5a;
    }
    let mut trailer = gz.clone();
    let n = trailer.len();
    trailer[n - 6] ^= 0xff;
    let mut header = gz.clone();
    header[2] = 7; // unknown compression method
    for (what, bytes) in [("body", body), ("trailer", trailer), ("header", header)] {
        let path = temp_file(&dir, "bad.txt.gz", &bytes);
        let d = diagnostic(read_edge_list(&path, UNDIRECTED));
        assert!(d.message.contains("not valid gzip"), "{what}: {d}");
    }
}

#[test]
fn gz_name_without_gzip_content() {
    let dir = tempfile::tempdir().unwrap();
    for content in [&b"1 2\n2 3\n"[..], b""] {
        let path = temp_file(&dir, "plain.txt.gz", content);
        let d = diagnostic(read_edge_list(&path, UNDIRECTED));
        assert!(d.message.contains("not gzip"), "{d}");
        assert!(d.help.as_deref().unwrap().contains("rename"));
    }
}
