//! CIDR blocks, protocols and port ranges: parsing, containment, coverage by several blocks,
//! and the gaps a set of allowed port ranges leaves. Each line of the input is one value.
//! Beyond not panicking, the answers must agree with each other: a block contains itself,
//! what a block contains is covered by it, a block prints as text that parses back to it, and
//! port gaps lie inside the range and outside every allowed range.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ourside_core::net::{parse_port_list, Cidr, PortRange, Protocol};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines: Vec<&str> = text.lines().take(64).collect();
    let blocks: Vec<Cidr> = lines.iter().filter_map(|l| l.parse().ok()).collect();
    for block in &blocks {
        assert!(block.contains(block), "{block}");
        assert!(block.is_covered_by(std::slice::from_ref(block)), "{block}");
        let printed = block.to_string();
        assert_eq!(printed.parse::<Cidr>().as_ref(), Ok(block), "{printed}");
        let _ = block.is_world();
        for other in &blocks {
            if block.contains(other) {
                assert!(
                    other.is_covered_by(std::slice::from_ref(block)),
                    "{block} {other}"
                );
            }
        }
        let _ = block.is_covered_by(&blocks);
    }
    for line in &lines {
        let _ = Protocol::parse(line).map(|p| (p.has_ports(), p.to_string()));
        let Ok(allowed) = parse_port_list(line) else {
            continue;
        };
        for range in &allowed {
            assert!(range.from <= range.to, "{line:?}");
        }
        for wanted in allowed
            .iter()
            .copied()
            .chain([PortRange::ALL, PortRange::single(22)])
        {
            let gaps = wanted.uncovered_by(&allowed);
            for gap in &gaps {
                assert!(
                    gap.from <= gap.to && gap.within(&wanted),
                    "{line:?}: {gap} of {wanted}"
                );
                for range in &allowed {
                    assert!(
                        gap.to < range.from || gap.from > range.to,
                        "{line:?}: {gap} in {range}"
                    );
                }
            }
        }
    }
    // Port bounds as rules carry them: numbers, `-1`, fractions, out of range.
    let numbers: Vec<f64> = lines.iter().filter_map(|l| l.trim().parse().ok()).collect();
    for pair in numbers.windows(2) {
        if let Some(range) = PortRange::from_bounds(Some(pair[0]), Some(pair[1])) {
            assert!(range.from <= range.to);
        }
    }
});
