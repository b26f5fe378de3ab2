//! `MAX_TOKENS`: a reply larger than the limit is cut to what fits, at a
//! valid JSON boundary, with a note that says what was left out and how to
//! get it. Tokens are counted with OpenAI's `cl100k_base` BPE (tiktoken-rs),
//! not characters / 4, which undercounts Japanese several times.

use serde_json::{Map, Value};
use tiktoken_rs::CoreBPE;

/// MAX_TOKENS when it is not set.
pub const DEFAULT_MAX_TOKENS: usize = 50_000;

/// What a shortened string value ends in.
pub const CUT_MARK: &str = "… [cut]";

/// A first guess at the tokens of the note besides the hint; the exact count
/// is checked after the cut, so this only saves a round.
const NOTE_TOKENS: usize = 40;

/// How many left-out members a note names; a list of all could outgrow the reply.
const LEFT_OUT_NAMED: usize = 10;

/// A reply after [`limit`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Limited {
    /// The reply fits: send it as it is.
    Unchanged,
    /// The reply did not fit. `text` is the part that does (valid JSON when
    /// the reply was JSON); `note` says what was cut and how to get the rest.
    /// The two together are at most `max_tokens` tokens.
    Cut { text: String, note: String },
}

/// The tokenizer, loaded on the first count (about 25 MB of tables, some
/// 50 ms), never for a reply that is short in bytes.
fn tokenizer() -> &'static CoreBPE {
    tiktoken_rs::cl100k_base_singleton()
}

/// The number of `cl100k_base` tokens of `text`, special tokens counted as the plain text they are.
pub fn count(text: &str) -> usize {
    tokenizer().encode_ordinary(text).len()
}

/// Cuts `text` (a Backlog reply, or any tool's text) to at most `max_tokens`
/// tokens, note included. A JSON array keeps its longest prefix of whole
/// items; an object keeps the members that fit whole and shortens or leaves
/// out the rest; a string value is cut at a character boundary and ends in
/// [`CUT_MARK`]. Text that is not JSON is cut at a character boundary.
/// `hint` ends the note: how to ask for less with this tool's arguments
/// ("Ask for fewer with count/offset, or fewer fields with fields.").
pub fn limit(text: &str, max_tokens: usize, hint: &str) -> Limited {
    // Every cl100k_base token stands for one or more whole bytes of the text
    // (a byte-level BPE: each token is a non-empty byte string, and the tokens
    // of a text partition its bytes), so a text has at most as many tokens as
    // bytes: a short one needs no count, and no tokenizer.
    if text.len() <= max_tokens || count(text) <= max_tokens {
        return Limited::Unchanged;
    }
    let (text, note) = match serde_json::from_str::<Value>(text) {
        Ok(value) => cut_json(&value, max_tokens, hint),
        Err(_) => cut_plain(text, max_tokens, hint),
    };
    Limited::Cut { text, note }
}

/// What was cut where, for the note. Paths are from the top of the reply:
/// `description`, `details[0].name`; empty for the reply itself.
#[derive(Debug)]
enum Cut {
    Items {
        path: String,
        kept: usize,
        total: usize,
    },
    Text {
        path: String,
        kept_chars: usize,
        total_chars: usize,
        /// A JSON string, which ends in [`CUT_MARK`]; plain text does not.
        marked: bool,
    },
    LeftOut {
        path: String,
        keys: Vec<String>,
    },
}

fn cut_json(value: &Value, max_tokens: usize, hint: &str) -> (String, String) {
    let mut budget = max_tokens.saturating_sub(count(hint) + NOTE_TOKENS);
    let mut round = 0;
    loop {
        let mut cuts = Vec::new();
        let kept = cut_value(value, budget, "", &mut cuts).unwrap_or_else(|| match value {
            // A budget of a few tokens: not even the mark fits.
            Value::String(text) => {
                cuts.push(Cut::Text {
                    path: String::new(),
                    kept_chars: 0,
                    total_chars: text.chars().count(),
                    marked: false,
                });
                Value::String(String::new())
            }
            // A number, boolean or null cannot be cut.
            other => other.clone(),
        });
        let text = kept.to_string();
        let note = note(&cuts, max_tokens, hint);
        let used = count(&text) + count(&note);
        if used <= max_tokens || budget == 0 {
            return (text, note);
        }
        // The parts were counted apart, which is close to the count of the
        // whole but not equal: give back the overshoot, and after a few
        // rounds an eighth more, so that the loop ends quickly.
        let overshoot = used - max_tokens;
        let step = if round < 3 {
            overshoot
        } else {
            overshoot.max(budget / 8)
        };
        budget = budget.saturating_sub(step);
        round += 1;
    }
}

/// `value` cut to about `budget` tokens, or `None` when not even a short
/// form of it fits. Called only on a value that does not fit whole.
fn cut_value(value: &Value, budget: usize, path: &str, cuts: &mut Vec<Cut>) -> Option<Value> {
    match value {
        Value::Array(items) => Some(Value::Array(cut_array(items, budget, path, cuts))),
        Value::Object(members) => Some(Value::Object(cut_object(members, budget, path, cuts))),
        Value::String(text) => {
            let kept = cut_string(text, budget)?;
            cuts.push(Cut::Text {
                path: path.to_owned(),
                kept_chars: kept.chars().count() - CUT_MARK.chars().count(),
                total_chars: text.chars().count(),
                marked: true,
            });
            Some(Value::String(kept))
        }
        // A number, boolean or null is a token or a few: it fits or it does not.
        _ => None,
    }
}

/// The longest prefix of whole items that fits. When not even the first
/// item does, that item cut, so that a list of one huge issue still shows it.
fn cut_array(items: &[Value], budget: usize, path: &str, cuts: &mut Vec<Cut>) -> Vec<Value> {
    let mut room = budget.saturating_sub(count("[]"));
    let mut kept = Vec::new();
    for item in items {
        let cost = count(&item.to_string()) + 1; // and its comma
        if cost > room {
            break;
        }
        room -= cost;
        kept.push(item.clone());
    }
    let at = cuts.len();
    if kept.is_empty()
        && let Some(first) = items.first()
        && let Some(first) = cut_value(first, room, &format!("{path}[0]"), cuts)
    {
        kept.push(first);
    }
    if kept.len() < items.len() {
        let total = items.len();
        let cut = Cut::Items {
            path: path.to_owned(),
            kept: kept.len(),
            total,
        };
        cuts.insert(at, cut);
    }
    kept
}

/// Every member that fits whole, in order; then the members that did not,
/// each cut to the room left, or left out when none is.
fn cut_object(
    members: &Map<String, Value>,
    budget: usize,
    path: &str,
    cuts: &mut Vec<Cut>,
) -> Map<String, Value> {
    let mut room = budget.saturating_sub(count("{}"));
    let mut kept: Vec<Option<Value>> = vec![None; members.len()];
    for (slot, (key, value)) in kept.iter_mut().zip(members) {
        let cost = count(&format!("{}:{value},", json_string(key)));
        if cost <= room {
            room -= cost;
            *slot = Some(value.clone());
        }
    }
    let mut left_out = Vec::new();
    for (slot, (key, value)) in kept.iter_mut().zip(members) {
        if slot.is_some() {
            continue;
        }
        let key_cost = count(&format!("{}:,", json_string(key)));
        let child_path = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let cut = room
            .checked_sub(key_cost)
            .and_then(|child_room| cut_value(value, child_room, &child_path, cuts));
        match cut {
            Some(cut) => {
                room = room.saturating_sub(key_cost + count(&cut.to_string()));
                *slot = Some(cut);
            }
            None => left_out.push(key.clone()),
        }
    }
    if !left_out.is_empty() {
        cuts.push(Cut::LeftOut {
            path: path.to_owned(),
            keys: left_out,
        });
    }
    members
        .keys()
        .zip(kept)
        .filter_map(|(key, value)| Some((key.clone(), value?)))
        .collect()
}

/// The longest start of `text` whose JSON string, with [`CUT_MARK`] after
/// it, is about `budget` tokens; `None` when not even the mark fits.
fn cut_string(text: &str, budget: usize) -> Option<String> {
    let room = budget.checked_sub(count(CUT_MARK) + 1)?; // and the closing quote
    // Cut the string as it stands in the reply, escapes and all.
    let escaped = json_string(text);
    let mut end = token_prefix(&escaped, room);
    // Step back out of a partial escape (`\n`, `\u001b`) to where the start
    // is a valid JSON string once closed.
    loop {
        let candidate = format!("{}\"", &escaped[..end]);
        if let Ok(mut kept) = serde_json::from_str::<String>(&candidate) {
            kept.push_str(CUT_MARK);
            return Some(kept);
        }
        end = escaped[..end].char_indices().next_back()?.0;
    }
}

/// Text that is not JSON, cut at a character boundary.
fn cut_plain(text: &str, max_tokens: usize, hint: &str) -> (String, String) {
    let total_chars = text.chars().count();
    let plain_note = |kept_chars: usize| {
        note(
            &[Cut::Text {
                path: String::new(),
                kept_chars,
                total_chars,
                marked: false,
            }],
            max_tokens,
            hint,
        )
    };
    let mut budget = max_tokens.saturating_sub(count(&plain_note(total_chars)));
    loop {
        let kept = &text[..token_prefix(text, budget)];
        let note = plain_note(kept.chars().count());
        let used = count(kept) + count(&note);
        if used <= max_tokens || budget == 0 {
            return (kept.to_owned(), note);
        }
        budget = budget.saturating_sub(used - max_tokens);
    }
}

/// The byte length of the first `tokens` tokens of `text`, stepped back to a
/// character boundary (a token may end inside a multi-byte character).
fn token_prefix(text: &str, tokens: usize) -> usize {
    let bpe = tokenizer();
    let encoded = bpe.encode_ordinary(text);
    if tokens >= encoded.len() {
        return text.len();
    }
    let bytes = bpe
        .decode_bytes(&encoded[..tokens])
        .expect("tokens just encoded decode");
    match std::str::from_utf8(&bytes) {
        Ok(prefix) => prefix.len(),
        Err(error) => error.valid_up_to(),
    }
}

fn json_string(text: &str) -> String {
    Value::from(text).to_string()
}

fn note(cuts: &[Cut], max_tokens: usize, hint: &str) -> String {
    let limit = format!("the reply was cut at MAX_TOKENS={max_tokens} tokens");
    let mut parts: Vec<String> = cuts.iter().map(describe).collect();
    let mut note = match cuts.first() {
        None => {
            format!(
                "The reply was sent without its whitespace to fit MAX_TOKENS={max_tokens} tokens"
            )
        }
        Some(Cut::Items { path, kept, total }) if path.is_empty() => {
            parts.remove(0);
            let mut note = format!("Showing {kept} of {total} items ({limit})");
            if !parts.is_empty() {
                note.push_str("; ");
                note.push_str(&parts.join("; "));
            }
            note
        }
        Some(_) => format!(
            "The reply was cut at MAX_TOKENS={max_tokens} tokens: {}",
            parts.join("; ")
        ),
    };
    note.push('.');
    if !hint.is_empty() {
        note.push(' ');
        note.push_str(hint);
    }
    note
}

fn describe(cut: &Cut) -> String {
    match cut {
        Cut::Items { path, kept, total } => format!("\"{path}\" shows {kept} of {total} items"),
        Cut::Text {
            path,
            kept_chars,
            total_chars,
            marked,
        } => {
            let what = if path.is_empty() {
                "the text".to_owned()
            } else {
                format!("\"{path}\"")
            };
            let mark = if *marked {
                format!(" (it ends in \"{CUT_MARK}\")")
            } else {
                String::new()
            };
            format!("{what} is shortened to {kept_chars} of {total_chars} characters{mark}")
        }
        Cut::LeftOut { path, keys } => {
            let mut named: Vec<String> = keys
                .iter()
                .take(LEFT_OUT_NAMED)
                .map(|key| format!("\"{key}\""))
                .collect();
            if keys.len() > LEFT_OUT_NAMED {
                named.push(format!("and {} more", keys.len() - LEFT_OUT_NAMED));
            }
            if path.is_empty() {
                format!("left out: {}", named.join(", "))
            } else {
                format!("left out of \"{path}\": {}", named.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HINT: &str = "Ask for fewer with count/offset, or fewer fields with fields.";

    /// An issue as Backlog lists it, half of them written in Japanese.
    fn issue(i: usize) -> Value {
        let (summary, description) = if i.is_multiple_of(2) {
            (
                format!("ログイン画面でエラーが発生する件 その{i}"),
                "ユーザーがログインボタンを押すと、500エラーが返されます。\n再現手順：\n1. トップページを開く\n2. メールアドレスとパスワードを入力\n3. 「ログイン」を押す",
            )
        } else {
            (
                format!("Login screen fails with error #{i}"),
                "Pressing \"Log in\" returns HTTP 500.\nThe server log shows a NullPointerException in AuthController.",
            )
        };
        json!({
            "id": 1000 + i,
            "issueKey": format!("DEMO-{i}"),
            "summary": summary,
            "description": description,
            "assignee": {"id": 5, "userId": "tanaka", "name": "田中 太郎", "mailAddress": "tanaka@example.com"},
            "status": {"id": 1, "name": "未対応"},
            "created": "2024-05-01T09:00:00Z",
        })
    }

    fn issues(n: usize) -> Value {
        Value::Array((0..n).map(issue).collect())
    }

    /// Cuts and checks what every cut must be: within the limit, note included, and valid JSON.
    fn cut(text: &str, max_tokens: usize) -> (Value, String) {
        match limit(text, max_tokens, HINT) {
            Limited::Unchanged => panic!("expected a cut at {max_tokens} tokens"),
            Limited::Cut { text, note } => {
                assert!(
                    count(&text) + count(&note) <= max_tokens,
                    "{} + {} tokens > {max_tokens}: {note}",
                    count(&text),
                    count(&note)
                );
                let value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("the cut is not JSON ({e}): {text}"));
                (value, note)
            }
        }
    }

    #[test]
    fn japanese_takes_several_times_more_tokens_than_characters_over_4() {
        let japanese =
            "課題の担当者を変更しました。期限日は来週の金曜日です。よろしくお願いします。";
        let chars = japanese.chars().count();
        let tokens = count(japanese);
        assert!(
            tokens >= 3 * (chars / 4),
            "{tokens} tokens for {chars} characters"
        );
        // English is close to the rule of thumb, so the rule is wrong only where it matters here.
        let english = "The assignee of the issue was changed. The due date is next Friday.";
        let tokens = count(english);
        assert!(tokens <= english.len() / 3, "{tokens} tokens");
    }

    #[test]
    fn every_token_is_at_least_one_byte_so_short_replies_skip_counting() {
        let bpe = tokenizer();
        let mut ranks = 0;
        for rank in 0..100_256 {
            if let Ok(bytes) = bpe.decode_bytes(&[rank]) {
                assert!(!bytes.is_empty(), "token {rank} is empty");
                ranks += 1;
            }
        }
        assert!(ranks > 100_000, "{ranks} tokens");
        let text = issues(20).to_string();
        assert!(count(&text) <= text.len());
        // No count needed: as many bytes as the limit cannot be more tokens.
        assert_eq!(limit(&text, text.len(), HINT), Limited::Unchanged);
    }

    #[test]
    fn a_reply_within_the_limit_is_unchanged() {
        let text = issues(20).to_string();
        let tokens = count(&text);
        assert!(tokens < text.len());
        assert_eq!(limit(&text, tokens, HINT), Limited::Unchanged);
        assert_ne!(limit(&text, tokens - 1, HINT), Limited::Unchanged);
    }

    #[test]
    fn a_list_keeps_the_items_that_fit_and_says_how_many_were_left_out() {
        let all = issues(100);
        let text = all.to_string();
        let max_tokens = count(&text) * 37 / 100;
        let (kept, note) = cut(&text, max_tokens);
        let kept = kept.as_array().unwrap();
        let n = kept.len();
        assert!((30..37).contains(&n), "{n} items");
        assert_eq!(
            kept[..],
            all.as_array().unwrap()[..n],
            "a prefix of whole items"
        );
        assert_eq!(
            note,
            format!(
                "Showing {n} of 100 items (the reply was cut at MAX_TOKENS={max_tokens} tokens). {HINT}"
            )
        );
        // As many as fit: one more would not.
        let more = Value::Array(all.as_array().unwrap()[..=n].to_vec()).to_string();
        assert!(count(&more) + count(&note) > max_tokens);
    }

    #[test]
    fn a_list_whose_first_item_alone_is_too_long_shows_that_item_cut() {
        let mut first = issue(0);
        first["description"] = Value::from("とても長い説明文です。".repeat(2000));
        let text = json!([first, issue(1), issue(2)]).to_string();
        let (kept, note) = cut(&text, 1000);
        let kept = kept.as_array().unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0]["issueKey"], "DEMO-0");
        let description = kept[0]["description"].as_str().unwrap();
        assert!(description.ends_with(CUT_MARK), "{description}");
        assert!(
            note.starts_with("Showing 1 of 3 items (the reply was cut at MAX_TOKENS=1000 tokens); \"[0].description\" is shortened to "),
            "{note}"
        );
    }

    #[test]
    fn an_object_keeps_its_members_and_shortens_the_long_string() {
        let mut wiki = json!({
            "id": 1,
            "projectId": 1,
            "name": "議事録/2024-05-01",
            "content": "",
            "tags": [{"id": 1, "name": "会議"}],
            "createdUser": {"id": 5, "name": "田中 太郎"},
            "created": "2024-05-01T09:00:00Z",
        });
        let content =
            "## 議事録\n- 参加者：田中、鈴木、Smith\n- 決定事項：\"リリース\"は来週\n".repeat(500);
        wiki["content"] = Value::from(content.as_str());
        let (kept, note) = cut(&wiki.to_string(), 2000);
        for key in ["id", "projectId", "name", "tags", "createdUser", "created"] {
            assert_eq!(kept[key], wiki[key], "{key} is kept whole");
        }
        let keys: Vec<&String> = kept.as_object().unwrap().keys().collect();
        let original: Vec<&String> = wiki.as_object().unwrap().keys().collect();
        assert_eq!(keys, original, "in their order");
        let shortened = kept["content"].as_str().unwrap();
        let start = shortened.strip_suffix(CUT_MARK).unwrap();
        assert!(content.starts_with(start) && start.len() > content.len() / 20);
        assert!(
            note.starts_with(
                "The reply was cut at MAX_TOKENS=2000 tokens: \"content\" is shortened to "
            ),
            "{note}"
        );
        assert!(
            note.contains(&format!(
                "of {} characters (it ends in \"{CUT_MARK}\")",
                content.chars().count()
            )),
            "{note}"
        );
        assert!(note.ends_with(HINT));
    }

    #[test]
    fn an_object_too_large_to_keep_whole_members_leaves_out_and_names_them() {
        let members: Map<String, Value> = (0..200)
            .map(|i| {
                (
                    format!("customField{i}"),
                    Value::from(format!("値{i} ").repeat(20)),
                )
            })
            .collect();
        let (kept, note) = cut(&Value::Object(members).to_string(), 500);
        let kept = kept.as_object().unwrap();
        assert!(
            !kept.is_empty() && kept.len() < 200,
            "{} members",
            kept.len()
        );
        // The first ten left out are named, in order, then how many more.
        let left_out: Vec<String> = (0..200)
            .map(|i| format!("customField{i}"))
            .filter(|key| !kept.contains_key(key))
            .collect();
        let named: Vec<String> = left_out[..10].iter().map(|k| format!("\"{k}\"")).collect();
        assert!(
            note.contains(&format!(
                "left out: {}, and {} more.",
                named.join(", "),
                left_out.len() - 10
            )),
            "{note}"
        );
    }

    #[test]
    fn a_long_list_inside_an_object_keeps_its_first_items() {
        let details: Vec<Value> = (0..1000)
            .map(|i| json!({"projectId": i, "issue": 100 * i, "wiki": 10, "file": 0}))
            .collect();
        let usage =
            json!({"capacity": 1_073_741_824u64, "issue": 1, "wiki": 2, "details": details});
        let (kept, note) = cut(&usage.to_string(), 3000);
        assert_eq!(kept["capacity"], 1_073_741_824u64);
        let n = kept["details"].as_array().unwrap().len();
        assert!(n > 50 && n < 1000);
        assert!(
            note.contains(&format!("\"details\" shows {n} of 1000 items")),
            "{note}"
        );
    }

    #[test]
    fn strings_are_cut_outside_escapes_and_characters() {
        // Escapes, quotes, control characters, emoji (4 bytes) and Japanese (3 bytes) everywhere.
        let text = "a\"b\\c\nd\te\u{1b}f😀g日本h".repeat(300);
        let reply = json!({ "content": text }).to_string();
        for max_tokens in (100..500).step_by(7) {
            let (kept, _) = cut(&reply, max_tokens);
            let content = kept["content"].as_str().unwrap();
            let start = content.strip_suffix(CUT_MARK).unwrap();
            assert!(text.starts_with(start), "a start of the text");
        }
    }

    #[test]
    fn even_a_tiny_limit_gives_valid_json() {
        for reply in [
            issues(5),
            issue(0),
            Value::from("説明".repeat(100)),
            json!({"a": issues(3)}),
        ] {
            let reply = reply.to_string();
            for max_tokens in [0, 1, 2, 5, 10, 30] {
                let Limited::Cut { text, .. } = limit(&reply, max_tokens, HINT) else {
                    panic!("cut")
                };
                let parsed: Result<Value, _> = serde_json::from_str(&text);
                assert!(parsed.is_ok(), "{max_tokens}: {text}");
            }
        }
    }

    #[test]
    fn text_that_is_not_json_is_cut_at_a_character_boundary() {
        let text = "日本語のテキストです。Not JSON at all. ".repeat(400);
        let Limited::Cut { text: kept, note } = limit(&text, 300, HINT) else {
            panic!("cut")
        };
        assert!(text.starts_with(&kept) && !kept.is_empty());
        assert!(count(&kept) + count(&note) <= 300);
        assert_eq!(
            note,
            format!(
                "The reply was cut at MAX_TOKENS=300 tokens: the text is shortened to {} of {} characters. {HINT}",
                kept.chars().count(),
                text.chars().count()
            )
        );
    }

    #[test]
    fn a_reply_that_fits_without_whitespace_is_sent_compact() {
        let pretty = serde_json::to_string_pretty(&issues(10)).unwrap();
        let compact = issues(10).to_string();
        let max_tokens = count(&compact) + count(HINT) + 100;
        assert!(count(&pretty) > max_tokens);
        let (kept, note) = cut(&pretty, max_tokens);
        assert_eq!(kept, issues(10));
        assert!(
            note.starts_with("The reply was sent without its whitespace"),
            "{note}"
        );
    }

    /// Not a test of speed (no timing is asserted): prints it.
    /// `cargo test --release -p backlog-mcp --lib tokens::throughput -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn throughput() {
        let mut n = 0;
        let mut text = String::new();
        while text.len() < 200_000 {
            n += 50;
            text = issues(n).to_string();
        }
        let start = std::time::Instant::now();
        let tokens = count(&text);
        let load = start.elapsed();
        let start = std::time::Instant::now();
        let rounds = 20;
        for _ in 0..rounds {
            assert_eq!(count(&text), tokens);
        }
        let per = start.elapsed() / rounds;
        let start = std::time::Instant::now();
        let cut = limit(&text, tokens / 3, HINT);
        let cut_time = start.elapsed();
        assert_ne!(cut, Limited::Unchanged);
        println!(
            "{} bytes, {} chars (chars/4 = {}), {tokens} tokens; first count incl. loading {load:?}; \
             count {per:?} = {:.1} M tokens/s, {:.1} MB/s; limit to a third {cut_time:?}",
            text.len(),
            text.chars().count(),
            text.chars().count() / 4,
            tokens as f64 / per.as_secs_f64() / 1e6,
            text.len() as f64 / per.as_secs_f64() / 1e6,
        );
    }
}
