//! `Engine::triage_with` allocates nothing once its scratch is warm.
//!
//! A counting global allocator tallies the allocations of this thread while
//! the written corpus is triaged in several contexts (new, returning and VIP
//! customers, every industry, with and without a queue snapshot, so that
//! wait estimates, overflow and peak-time offers run too). After warm-up
//! passes over the same inquiries, a further pass must not allocate at all;
//! nor may `Engine::sentiment_with`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use kefu_triage::{Customer, Engine, Industry, Inquiry, QueueSnapshot, Tier};

#[path = "common/corpus.rs"]
mod corpus;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

const DEMO_QUEUE: &str = include_str!("../examples/demo_queue.json");

#[test]
fn triage_with_allocates_nothing_once_warm() {
    let engine = Engine::default();
    let snapshot: QueueSnapshot = serde_json::from_str(DEMO_QUEUE).unwrap();
    let texts = corpus::written_texts();
    let customers = [
        Customer::new("new-1"),
        Customer::new("ret-1")
            .tier(Tier::Returning)
            .prior_contacts(3),
        Customer::new("vip-1").tier(Tier::Vip),
    ];
    // 2024-11-11 12:00 in China: a peak hour for some profiles.
    let noon = 1_731_297_600;
    let inquiries: Vec<Inquiry> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let q = Inquiry::new(t)
                .customer(customers[i % customers.len()].clone())
                .industry(Industry::ALL[i % Industry::ALL.len()]);
            if i % 2 == 0 {
                q.queue(&snapshot).received_at(noon)
            } else {
                q
            }
        })
        .collect();

    let mut scratch = engine.scratch();
    let run = |scratch: &mut kefu_triage::Scratch| {
        let (mut reasons, mut waits) = (0, 0);
        for q in &inquiries {
            let d = engine.triage_with(scratch, q);
            reasons += d.reasons.len();
            waits += d.wait.is_some() as usize;
        }
        (reasons, waits)
    };
    // Warm-up: buffers grow to the largest inquiry, and the spare reasons
    // and evidence settle (each keeps the largest buffer it ever held).
    for _ in 0..3 {
        run(&mut scratch);
    }
    let before = allocations();
    let (reasons, waits) = run(&mut scratch);
    let during = allocations() - before;
    assert!(reasons > inquiries.len(), "every decision has reasons");
    assert!(waits > 100, "wait estimates ran ({waits})");
    assert_eq!(
        during,
        0,
        "{during} allocations over {} warm inquiries",
        inquiries.len()
    );

    // The sentiment-only path too, on the same warm scratch.
    for t in &texts {
        let _ = engine.sentiment_with(&mut scratch, t);
    }
    let before = allocations();
    let mut negative = 0;
    for t in &texts {
        negative += engine.sentiment_with(&mut scratch, t).negative as usize;
    }
    assert_eq!(allocations() - before, 0, "sentiment_with allocated");
    assert!(negative > 0);

    // The counter works: a fresh scratch allocates.
    let before = allocations();
    let mut fresh = engine.scratch();
    let _ = engine.triage_with(&mut fresh, &inquiries[0]);
    assert!(allocations() > before);
}
