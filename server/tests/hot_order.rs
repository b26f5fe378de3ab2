//! `hot.order` is read by the linker, which says nothing of a name it does not find
//! (build.rs turns those warnings off, as a list made from older code has some): a
//! list regenerated wrong, demangled or empty, would quietly give back the resident
//! memory it saves. Its form is checked here; what it saves, by the load benchmark.

const ORDER: &str = include_str!("../hot.order");

fn names() -> Vec<&'static str> {
    ORDER
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .collect()
}

#[test]
fn hot_order_says_where_it_comes_from() {
    let first = ORDER.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("# Made by tests/bench/hot-order.sh"),
        "hot.order starts with {first:?}: regenerate it with tests/bench/hot-order.sh"
    );
}

#[test]
fn hot_order_lists_symbols_as_the_linker_names_them() {
    let names = names();
    for name in &names {
        let symbol = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.$@".contains(c));
        assert!(
            symbol && !name.starts_with(|c: char| c.is_ascii_digit()),
            "{name:?} in hot.order is not a symbol name (demangled, or a callgrind mark left in)"
        );
    }
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, names, "hot.order is sorted, each name once");
}

#[test]
fn hot_order_covers_this_crate_and_its_stack() {
    let names = names();
    let count = |crate_name: &str| {
        let mangled = format!("{}{crate_name}", crate_name.len());
        names.iter().filter(|n| n.contains(&mangled)).count()
    };
    // A start and the benchmark's calls run dozens of functions of each (counted by
    // their plain paths; trait impls and generics are named otherwise).
    let stack = [
        ("backlog_mcp", 100),
        ("rmcp", 30),
        ("tokio", 50),
        ("rustls", 30),
    ];
    for (crate_name, at_least) in stack {
        assert!(
            count(crate_name) >= at_least,
            "hot.order names {} functions of {crate_name}, fewer than {at_least}: was it made from a `load --smoke` run?",
            count(crate_name)
        );
    }
}
