//! Sentiment behaviour on hand-written cases: negation, intensity,
//! contrast, sarcasm, emphasis, emoji, slang, urgency.

use std::sync::LazyLock;

use kefu_triage::{Emotion, Engine, Inquiry};

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::default);

fn negativity(text: &str) -> f32 {
    ENGINE.triage(&Inquiry::new(text)).sentiment.negativity
}

fn negative(text: &str) -> bool {
    ENGINE.triage(&Inquiry::new(text)).sentiment.negative
}

#[test]
fn plainly_negative_and_plainly_fine() {
    for text in [
        "垃圾商家，再也不买了",
        "质量太差了，穿一次就起球",
        "无语了，客服一直不回复",
        "什么破快递，醉了",
        "呵呵，真是谢谢你们了",
        "等了三天还没人处理😡",
        "坑人的东西，退钱！",
    ] {
        assert!(negative(text), "{text}: {}", negativity(text));
    }
    for text in [
        "请问什么时候发货",
        "东西收到了，很满意，谢谢",
        "好的，已经解决了👍",
        "这款有白色的吗",
        "老师讲得很好，课程很满意",
    ] {
        assert!(!negative(text), "{text}: {}", negativity(text));
    }
}

#[test]
fn negation_flips_polarity() {
    assert!(negativity("不满意") > negativity("满意"));
    assert!(negativity("不好用") > negativity("好用"));
    assert!(negativity("没有不满意，挺好的") < negativity("很不满意"));
    assert!(!negative("不是不好，就是想问问尺码"));
}

#[test]
fn intensity_and_emphasis_raise_negativity() {
    assert!(negativity("太差了") >= negativity("有点差"));
    assert!(negativity("怎么还没发货！！！") >= negativity("怎么还没发货"));
}

#[test]
fn urgency_is_anxiety_and_insults_are_anger() {
    let d = ENGINE.triage(&Inquiry::new(
        "急急急！明天就要用，今天必须发货，马上给我处理",
    ));
    assert!(d.sentiment.negative);
    assert_eq!(d.sentiment.emotion, Emotion::Anxiety, "{:?}", d.sentiment);
    let d = ENGINE.triage(&Inquiry::new("你们就是一群骗子，气死我了，垃圾！"));
    assert_eq!(d.sentiment.emotion, Emotion::Anger, "{:?}", d.sentiment);
    let d = ENGINE.triage(&Inquiry::new("请问营业时间"));
    assert_eq!(d.sentiment.emotion, Emotion::None);
    assert_eq!(d.sentiment.emotion_score, 0.0);
}

#[test]
fn negation_of_escalation_cues_is_local() {
    for (text, human, threat) in [
        ("不用转人工了，已经好了", false, false),
        ("不要投诉你们，就想问问", false, false),
        ("再不退款我就投诉", false, true),
        ("再不退就投诉", false, true),
        ("不回复就转人工", true, false),
    ] {
        let d = ENGINE.triage(&Inquiry::new(text));
        assert_eq!(d.flags.human_requested, human, "{text}");
        assert_eq!(d.flags.threat, threat, "{text}: {:?}", d.reasons);
    }
}
