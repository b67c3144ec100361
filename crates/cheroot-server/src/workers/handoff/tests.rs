//! Tests of the worker-to-connection channel: order, back-pressure, and either side leaving.

use std::time::Duration;

use super::*;

use crate::exchange::outcome::Failure;

/// A wake batch, with its dispatcher spawned when there is a runtime (the tests without one
/// never wait for a message).
fn batch() -> Arc<WakeBatch> {
    let batch = Arc::new(WakeBatch::default());
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::spawn(Arc::clone(&batch).dispatch());
    }
    batch
}

fn outcome(status: u16) -> Outcome {
    Outcome {
        head_sent: true,
        status,
        body_bytes: 0,
        keep_alive: true,
        failure: None,
    }
}

fn end(status: u16, last: &[u8]) -> Event {
    Event::End(Ended {
        outcome: outcome(status),
        last: BytesMut::from(last),
    })
}

fn data(text: &'static str) -> Event {
    Event::Data(Bytes::from_static(text.as_bytes()))
}

/// What a received message says, in a comparable form.
fn describe(event: Option<Event>) -> String {
    match event {
        Some(Event::Data(data)) => format!("data {}", String::from_utf8_lossy(&data)),
        Some(Event::File(region)) => format!("file {}+{}", region.offset(), region.len()),
        Some(Event::End(ended)) => format!(
            "end {} {}",
            ended.outcome.status,
            String::from_utf8_lossy(&ended.last)
        ),
        None => "none".to_owned(),
    }
}

#[tokio::test]
async fn data_arrives_in_order_then_end_then_none() {
    let (tx, mut rx) = channel(4, batch());
    assert!(rx.is_empty());
    let file = std::fs::File::open(std::env::current_exe().unwrap()).unwrap();
    std::thread::spawn(move || {
        tx.blocking_send(data("a")).unwrap();
        tx.blocking_send(Event::File(FileRegion::new(file, 3, 4)))
            .unwrap();
        tx.blocking_send(data("b")).unwrap();
        tx.blocking_send(end(200, b"z")).unwrap();
    });
    let mut got = Vec::new();
    for _ in 0..5 {
        got.push(describe(rx.recv().await));
    }
    assert_eq!(got, ["data a", "file 3+4", "data b", "end 200 z", "none"]);
}

#[tokio::test]
async fn a_full_queue_makes_the_worker_wait_for_the_reader() {
    let (tx, mut rx) = channel(1, batch());
    let (sent_tx, sent_rx) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        for piece in ["1", "2", "3"] {
            tx.blocking_send(data(piece)).unwrap();
            sent_tx.send(piece).unwrap();
        }
    });
    // Room for one: the first send returns, the second waits for the reader.
    assert_eq!(sent_rx.recv_timeout(Duration::from_secs(10)), Ok("1"));
    assert!(
        sent_rx.recv_timeout(Duration::from_millis(50)).is_err(),
        "the second send waits while the queue is full"
    );
    let mut got = Vec::new();
    for _ in 0..4 {
        got.push(describe(rx.recv().await));
    }
    worker.join().unwrap();
    assert_eq!(got, ["data 1", "data 2", "data 3", "none"]);
}

#[tokio::test]
async fn a_sender_dropped_without_end_reads_as_none() {
    let (tx, mut rx) = channel(2, batch());
    let failed = Outcome {
        failure: Some(Failure::Gateway),
        ..outcome(500)
    };
    assert_eq!(failed.status, 500);
    std::thread::spawn(move || {
        tx.blocking_send(data("partial")).unwrap();
        drop(tx);
    });
    assert_eq!(describe(rx.recv().await), "data partial");
    assert_eq!(describe(rx.recv().await), "none");
}

#[test]
fn a_gone_receiver_fails_sends_and_frees_a_waiting_worker() {
    let (tx, rx) = channel(1, batch());
    tx.blocking_send(data("fills the queue")).unwrap();
    let worker = std::thread::spawn(move || tx.blocking_send(data("waits")));
    std::thread::sleep(Duration::from_millis(20));
    drop(rx);
    assert_eq!(worker.join().unwrap(), Err(Closed));
}

#[test]
fn end_after_the_receiver_left_is_refused() {
    let (tx, rx) = channel(1, batch());
    drop(rx);
    let sent = tx.blocking_send(end(200, b""));
    assert_eq!(sent, Err(Closed));
}

#[tokio::test]
async fn a_finished_channel_is_renewed_for_the_next_exchange() {
    let (tx, mut rx) = channel(4, batch());
    // The worker still holds its sender: no renewal.
    tx.blocking_send(data("a")).unwrap();
    assert!(rx.renew().is_none(), "the sender is alive");
    tx.blocking_send(end(200, b"one")).unwrap();
    drop(tx);
    // Messages not yet received: no renewal either.
    assert!(rx.renew().is_none(), "messages are waiting");
    assert_eq!(describe(rx.recv().await), "data a");
    assert_eq!(describe(rx.recv().await), "end 200 one");

    // Over: the same channel carries the next exchange, as a new one would.
    let tx = rx.renew().expect("a finished channel is renewed");
    assert!(rx.is_empty());
    std::thread::spawn(move || {
        tx.blocking_send(data("b")).unwrap();
        tx.blocking_send(end(404, b"two")).unwrap();
    });
    assert_eq!(describe(rx.recv().await), "data b");
    assert_eq!(describe(rx.recv().await), "end 404 two");
    assert_eq!(
        describe(rx.recv().await),
        "none",
        "the new sender's drop is seen"
    );

    // A sender gone without `End`, its bytes not received: nothing to renew either, and the
    // bytes stay readable.
    let tx = rx.renew().expect("the second exchange is over");
    tx.blocking_send(data("left")).unwrap();
    drop(tx);
    assert!(rx.renew().is_none(), "a message is waiting");
    assert_eq!(describe(rx.recv().await), "data left");
}

#[test]
fn a_batch_s_responses_queue_in_order_without_waiting() {
    // A worker answering a pipelined batch sends each response (a piece, then `End`) and goes
    // on to the next request: a full batch queues without the receiver taking any, the
    // capacity bounding only the pieces of the response being written (the worker thread
    // finishes alone).
    let (tx, mut rx) = channel(1, batch());
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for i in 0..PIPELINE_BATCH {
            tx.blocking_send(data("d")).unwrap();
            let status = 200 + u16::try_from(i).unwrap();
            let head = cheroot_wire::parse_request_head(
                b"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
                &cheroot_wire::ParseOptions::default(),
            );
            let Ok(cheroot_wire::Status::Complete((head, _))) = head else {
                panic!("not a head");
            };
            let ended = Ended {
                outcome: outcome(status),
                last: BytesMut::from(&b"e"[..]),
            };
            tx.send_end(ended, head).unwrap();
        }
        drop(tx);
        done_tx.send(()).unwrap();
    });
    done_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the worker never waited for the receiver");
    let mut got = Vec::new();
    while let Poll::Ready(Some(event)) = rx.try_recv() {
        got.push(describe(Some(event)));
    }
    let mut expected = Vec::new();
    for i in 0..PIPELINE_BATCH {
        expected.push("data d".to_owned());
        expected.push(format!("end {} e", 200 + i));
    }
    assert_eq!(got, expected);
    assert!(
        matches!(rx.try_recv(), Poll::Ready(None)),
        "the sender is gone"
    );
}

#[tokio::test]
async fn a_full_ring_makes_even_end_wait_for_the_reader() {
    // More ends than the ring holds (a batch cannot send that many, but nothing is lost if
    // one did): the sender waits for room, and every message arrives once, in order.
    let (tx, mut rx) = channel(1, batch());
    let total = 2 * PIPELINE_BATCH + 3;
    let (sent_tx, sent_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for i in 0..total {
            let status = 200 + u16::try_from(i).unwrap();
            tx.blocking_send(end(status, b"")).unwrap();
            sent_tx.send(i).unwrap();
        }
    });
    // The sender fills the ring's slots, then waits.
    for _ in 0..2 * PIPELINE_BATCH {
        sent_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("room for it");
    }
    assert!(
        sent_rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "the sender waits at a full ring"
    );
    let mut got = Vec::new();
    for _ in 0..total {
        got.push(describe(rx.recv().await));
    }
    let expected: Vec<String> = (0..total).map(|i| format!("end {} ", 200 + i)).collect();
    assert_eq!(got, expected);
    assert_eq!(describe(rx.recv().await), "none");
}

#[tokio::test]
async fn pieces_after_an_ended_response_count_once_taken() {
    // The capacity bounds the open response's pieces as the reader takes them, also after
    // an `End` went through (a batch's next response, or the next exchange).
    let (tx, mut rx) = channel(1, batch());
    std::thread::spawn(move || {
        tx.blocking_send(end(200, b"first")).unwrap();
        for piece in ["1", "2", "3"] {
            tx.blocking_send(data(piece)).unwrap();
        }
        tx.blocking_send(end(201, b"")).unwrap();
    });
    let mut got = Vec::new();
    for _ in 0..6 {
        let next = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("the worker never stays stuck");
        got.push(describe(next));
    }
    assert_eq!(
        got,
        [
            "end 200 first",
            "data 1",
            "data 2",
            "data 3",
            "end 201 ",
            "none"
        ]
    );
}
