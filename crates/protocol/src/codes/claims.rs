//! The CWT claims map of a shopper code: `iss`, `exp`, `nbf`, `iat`, `cti` and one text-keyed
//! claim holding the type's own map with small integer keys (docs/shopper-codes.md §3).

use std::collections::{BTreeMap, BTreeSet};

use coset::CborSerializable;
use coset::cbor::value::Value;
use coset::cwt::{ClaimName, ClaimsSet, ClaimsSetBuilder, Timestamp};

use super::{Basket, CodeLine, Member, Pickup, ShopperCode, ShopperCodeKind};
use smartstore_domain::cart::{MAX_LINES, MAX_QUANTITY};
use smartstore_domain::coupon::{Coupon, CouponValue};
use smartstore_domain::gtin::Gtin;
use smartstore_domain::money::{Currency, Money};
use smartstore_domain::order::MAX_ADDRESS_LEN;

/// Limits both the issuer and the verifier enforce, in UTF-8 bytes where they are lengths.
pub const MAX_ID_LEN: usize = 64;
pub const MAX_NAME_LEN: usize = 100;
pub const MAX_ADDRESSES: usize = 5;
pub const MAX_STORES: usize = 50;
pub const MAX_TOKEN_ID_LEN: usize = 16;

/// The claim that holds a type's own map; it also binds the type into the signed payload, since
/// the text prefix is not signed.
pub fn type_claim(kind: ShopperCodeKind) -> &'static str {
    match kind {
        ShopperCodeKind::Member => "m",
        ShopperCodeKind::Pickup => "p",
        ShopperCodeKind::Coupon => "c",
        ShopperCodeKind::Basket => "b",
    }
}

fn kind_of_claim(name: &str) -> Option<ShopperCodeKind> {
    ShopperCodeKind::ALL
        .into_iter()
        .find(|k| type_claim(*k) == name)
}

// Keys of the types' own maps.
const MB_ID: i64 = 1;
const MB_NAME: i64 = 2;
const MB_ADDRESSES: i64 = 3;
const MB_CONSENT: i64 = 4;
const PU_ORDER: i64 = 1;
const PU_STORE: i64 = 2;
const PU_LINES: i64 = 3;
const CP_ID: i64 = 1;
const CP_AMOUNT_OFF: i64 = 2;
const CP_PERCENT_OFF: i64 = 3;
const CP_CURRENCY: i64 = 4;
const CP_MIN_SPEND: i64 = 5;
const CP_SINGLE_USE: i64 = 6;
const CP_STORES: i64 = 7;
const BK_LINES: i64 = 1;

/// Everything a code's payload says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub issuer: String,
    pub expires: i64,
    pub not_before: Option<i64>,
    pub issued_at: i64,
    pub token_id: Vec<u8>,
    pub code: ShopperCode,
}

pub fn encode(env: &Envelope) -> Result<Vec<u8>, String> {
    check_envelope(env)?;
    let mut b = ClaimsSetBuilder::new()
        .issuer(env.issuer.clone())
        .expiration_time(Timestamp::WholeSeconds(env.expires));
    if let Some(nbf) = env.not_before {
        b = b.not_before(Timestamp::WholeSeconds(nbf));
    }
    let b = b
        .issued_at(Timestamp::WholeSeconds(env.issued_at))
        .cwt_id(env.token_id.clone());
    let own = own_claims(&env.code)?;
    b.text_claim(type_claim(env.code.kind()).to_owned(), own)
        .build()
        .to_vec()
        .map_err(|e| format!("cannot encode the claims: {e}"))
}

pub fn decode(payload: &[u8]) -> Result<Envelope, String> {
    let claims = ClaimsSet::from_slice(payload)
        .map_err(|e| format!("its claims are not a CWT claims map ({e})"))?;
    if claims.subject.is_some() || claims.audience.is_some() {
        return Err("it has claims (sub, aud) a shopper code does not use".to_owned());
    }
    let issuer = claims.issuer.ok_or("it has no issuer (iss)")?;
    let expires =
        whole_seconds(claims.expiration_time, "expiry (exp)")?.ok_or("it has no expiry (exp)")?;
    let not_before = whole_seconds(claims.not_before, "start (nbf)")?;
    let issued_at =
        whole_seconds(claims.issued_at, "issue time (iat)")?.ok_or("it has no issue time (iat)")?;
    let token_id = claims.cwt_id.ok_or("it has no code id (cti)")?;
    let mut rest = claims.rest.into_iter();
    let (kind, own) = match (rest.next(), rest.next()) {
        (Some((ClaimName::Text(name), own)), None) => (
            kind_of_claim(&name)
                .ok_or_else(|| format!("it holds an unknown claim '{}'", clip(&name)))?,
            own,
        ),
        (None, _) => return Err("it holds no member, pickup, coupon or basket claim".to_owned()),
        _ => return Err("it holds claims a shopper code does not use".to_owned()),
    };
    let code = match kind {
        ShopperCodeKind::Member => ShopperCode::Member(decode_member(own)?),
        ShopperCodeKind::Pickup => ShopperCode::Pickup(decode_pickup(own)?),
        ShopperCodeKind::Basket => ShopperCode::Basket(decode_basket(own)?),
        ShopperCodeKind::Coupon => {
            let nbf = not_before.ok_or("a coupon needs a start (nbf)")?;
            ShopperCode::Coupon(decode_coupon(own, nbf, expires)?)
        }
    };
    let env = Envelope {
        issuer,
        expires,
        not_before,
        issued_at,
        token_id,
        code,
    };
    check_envelope(&env)?;
    Ok(env)
}

fn whole_seconds(t: Option<Timestamp>, what: &str) -> Result<Option<i64>, String> {
    match t {
        None => Ok(None),
        Some(Timestamp::WholeSeconds(s)) => Ok(Some(s)),
        Some(Timestamp::FractionalSeconds(_)) => {
            Err(format!("its {what} is not a whole number of seconds"))
        }
    }
}

/// The checks of the envelope and of the code's contents, the same when issuing and verifying.
fn check_envelope(env: &Envelope) -> Result<(), String> {
    check_text(&env.issuer, "issuer", MAX_ID_LEN)?;
    if env.token_id.is_empty() || env.token_id.len() > MAX_TOKEN_ID_LEN {
        return Err(format!(
            "its code id (cti) must have 1 to {MAX_TOKEN_ID_LEN} bytes"
        ));
    }
    if let ShopperCode::Coupon(c) = &env.code
        && (env.not_before != Some(c.not_before) || env.expires != c.expires)
    {
        return Err("a coupon's window must be the code's nbf and exp".to_owned());
    }
    check_code(&env.code)
}

pub fn check_code(code: &ShopperCode) -> Result<(), String> {
    match code {
        ShopperCode::Member(m) => {
            check_text(&m.member_id, "member id", MAX_ID_LEN)?;
            check_text(&m.name, "member name", MAX_NAME_LEN)?;
            if m.addresses.len() > MAX_ADDRESSES {
                return Err(format!(
                    "a member code holds at most {MAX_ADDRESSES} addresses"
                ));
            }
            m.addresses
                .iter()
                .try_for_each(|a| check_text(a, "address", MAX_ADDRESS_LEN))
        }
        ShopperCode::Pickup(p) => {
            check_text(&p.order_id, "order id", MAX_ID_LEN)?;
            check_text(&p.store, "store id", MAX_ID_LEN)?;
            check_lines(&p.lines)
        }
        ShopperCode::Basket(b) => check_lines(&b.lines),
        ShopperCode::Coupon(c) => {
            check_text(&c.id, "coupon id", MAX_ID_LEN)?;
            match &c.value {
                CouponValue::AmountOff(m) if m.minor <= 0 => {
                    return Err("a coupon's amount off must be above zero".to_owned());
                }
                CouponValue::PercentOff(p) if !(1..=100).contains(p) => {
                    return Err("a coupon's percent off must be 1 to 100".to_owned());
                }
                _ => {}
            }
            if let Some(min) = c.min_spend {
                if min.minor <= 0 {
                    return Err(
                        "a coupon's minimum spend must be above zero (leave it out for none)"
                            .to_owned(),
                    );
                }
                if let CouponValue::AmountOff(m) = &c.value
                    && m.currency != min.currency
                {
                    return Err(
                        "a coupon's amount off and minimum spend must be in one currency"
                            .to_owned(),
                    );
                }
            }
            if c.stores.len() > MAX_STORES {
                return Err(format!("a coupon names at most {MAX_STORES} stores"));
            }
            c.stores
                .iter()
                .try_for_each(|s| check_text(s, "store id", MAX_ID_LEN))
        }
    }
}

fn check_text(text: &str, what: &str, max: usize) -> Result<(), String> {
    if text.is_empty() {
        return Err(format!("its {what} is empty"));
    }
    if text.len() > max {
        return Err(format!("its {what} is longer than {max} bytes"));
    }
    if text.chars().any(char::is_control) {
        return Err(format!("its {what} holds control characters"));
    }
    Ok(())
}

fn check_lines(lines: &[CodeLine]) -> Result<(), String> {
    if lines.is_empty() {
        return Err("it has no lines".to_owned());
    }
    if lines.len() > MAX_LINES {
        return Err(format!("it has more than {MAX_LINES} lines"));
    }
    let mut seen = BTreeSet::new();
    for (gtin, qty) in lines {
        if !(1..=MAX_QUANTITY).contains(qty) {
            return Err(format!(
                "its quantity {qty} for {gtin} is not 1 to {MAX_QUANTITY}"
            ));
        }
        if !seen.insert(*gtin) {
            return Err(format!("it lists {gtin} twice"));
        }
    }
    Ok(())
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn uint(n: u64) -> Value {
    Value::Integer(n.into())
}

fn map(entries: Vec<(i64, Value)>) -> Value {
    Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (Value::Integer(k.into()), v))
            .collect(),
    )
}

fn gtin_value(g: Gtin) -> Result<Value, String> {
    g.as_str()
        .parse::<u64>()
        .map(uint)
        .map_err(|_| format!("cannot encode GTIN {g}"))
}

/// Lines as one flat array `[GTIN, quantity, GTIN, quantity, …]`: a byte a line less than pairs.
fn lines_value(lines: &[CodeLine]) -> Result<Value, String> {
    let mut items = Vec::with_capacity(lines.len() * 2);
    for (g, q) in lines {
        items.push(gtin_value(*g)?);
        items.push(uint(u64::from(*q)));
    }
    Ok(Value::Array(items))
}

fn own_claims(code: &ShopperCode) -> Result<Value, String> {
    Ok(match code {
        ShopperCode::Member(m) => {
            let mut e = vec![(MB_ID, text(&m.member_id)), (MB_NAME, text(&m.name))];
            if !m.addresses.is_empty() {
                e.push((
                    MB_ADDRESSES,
                    Value::Array(m.addresses.iter().map(|a| text(a)).collect()),
                ));
            }
            // Left out without consent: a code without the claim is no consent, and older
            // codes stay byte for byte what they were.
            if m.consent {
                e.push((MB_CONSENT, Value::Bool(true)));
            }
            map(e)
        }
        ShopperCode::Pickup(p) => map(vec![
            (PU_ORDER, text(&p.order_id)),
            (PU_STORE, text(&p.store)),
            (PU_LINES, lines_value(&p.lines)?),
        ]),
        ShopperCode::Basket(b) => map(vec![(BK_LINES, lines_value(&b.lines)?)]),
        ShopperCode::Coupon(c) => {
            let mut e = vec![(CP_ID, text(&c.id))];
            let mut currency = c.min_spend.map(|m| m.currency);
            match &c.value {
                CouponValue::AmountOff(m) => {
                    e.push((CP_AMOUNT_OFF, uint(positive(m.minor)?)));
                    currency = Some(m.currency);
                }
                CouponValue::PercentOff(p) => e.push((CP_PERCENT_OFF, uint(u64::from(*p)))),
            }
            // CNY, the default currency (DESIGN §3), is left out: 4 bytes less in every code.
            if let Some(cur) = currency.filter(|c| *c != Currency::CNY) {
                e.push((CP_CURRENCY, text(cur.code())));
            }
            if let Some(min) = c.min_spend {
                e.push((CP_MIN_SPEND, uint(positive(min.minor)?)));
            }
            if c.single_use {
                e.push((CP_SINGLE_USE, Value::Bool(true)));
            }
            if !c.stores.is_empty() {
                e.push((
                    CP_STORES,
                    Value::Array(c.stores.iter().map(|s| text(s)).collect()),
                ));
            }
            map(e)
        }
    })
}

fn positive(minor: i64) -> Result<u64, String> {
    u64::try_from(minor)
        .ok()
        .filter(|m| *m > 0)
        .ok_or_else(|| "amounts must be above zero".to_owned())
}

/// The entries of a type's own map, by key: only `allowed` keys, each once.
fn entries(v: Value, what: &str, allowed: &[i64]) -> Result<BTreeMap<i64, Value>, String> {
    let Value::Map(pairs) = v else {
        return Err(format!("its {what} claim is not a map"));
    };
    let mut out = BTreeMap::new();
    for (k, v) in pairs {
        let key = match k {
            Value::Integer(i) => i64::try_from(i).ok().filter(|k| allowed.contains(k)),
            _ => None,
        }
        .ok_or_else(|| format!("its {what} claim has a key it does not use"))?;
        if out.insert(key, v).is_some() {
            return Err(format!("its {what} claim has key {key} twice"));
        }
    }
    Ok(out)
}

fn take_text(m: &mut BTreeMap<i64, Value>, key: i64, what: &str) -> Result<Option<String>, String> {
    match m.remove(&key) {
        None => Ok(None),
        Some(Value::Text(s)) => Ok(Some(s)),
        Some(_) => Err(format!("its {what} is not text")),
    }
}

fn need<T>(v: Option<T>, what: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("it has no {what}"))
}

fn take_uint(m: &mut BTreeMap<i64, Value>, key: i64, what: &str) -> Result<Option<u64>, String> {
    match m.remove(&key) {
        None => Ok(None),
        Some(Value::Integer(i)) => u64::try_from(i)
            .map(Some)
            .map_err(|_| format!("its {what} is negative or too large")),
        Some(_) => Err(format!("its {what} is not a number")),
    }
}

fn take_texts(
    m: &mut BTreeMap<i64, Value>,
    key: i64,
    what: &str,
    max: usize,
) -> Result<Vec<String>, String> {
    match m.remove(&key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) if items.is_empty() => {
            Err(format!("its {what} list is empty (leave it out)"))
        }
        Some(Value::Array(items)) if items.len() > max => {
            Err(format!("it has more than {max} {what} entries"))
        }
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::Text(s) => Ok(s),
                _ => Err(format!("its {what} list holds something that is not text")),
            })
            .collect(),
        Some(_) => Err(format!("its {what} list is not a list")),
    }
}

fn take_lines(m: &mut BTreeMap<i64, Value>, key: i64) -> Result<Vec<CodeLine>, String> {
    let Some(Value::Array(items)) = m.remove(&key) else {
        return Err("it has no list of lines".to_owned());
    };
    if items.len() % 2 != 0 {
        return Err("its lines are not GTIN, quantity pairs".to_owned());
    }
    if items.len() > 2 * MAX_LINES {
        return Err(format!("it has more than {MAX_LINES} lines"));
    }
    items
        .chunks_exact(2)
        .map(|pair| {
            let [Value::Integer(g), Value::Integer(q)] = pair else {
                return Err("its lines are not GTIN, quantity pairs of numbers".to_owned());
            };
            let g = u64::try_from(*g)
                .ok()
                .filter(|g| *g < 100_000_000_000_000)
                .ok_or("one of its GTINs is out of range")?;
            let gtin = Gtin::from_digits(&format!("{g:014}"))
                .map_err(|e| format!("one of its GTINs is wrong: {e}"))?;
            let qty = u32::try_from(*q)
                .map_err(|_| format!("its quantity for {gtin} is out of range"))?;
            Ok((gtin, qty))
        })
        .collect()
}

fn decode_member(v: Value) -> Result<Member, String> {
    let mut m = entries(v, "member", &[MB_ID, MB_NAME, MB_ADDRESSES, MB_CONSENT])?;
    let consent = match m.remove(&MB_CONSENT) {
        None => false,
        Some(Value::Bool(true)) => true,
        Some(_) => return Err("its consent mark must be true or left out".to_owned()),
    };
    Ok(Member {
        member_id: need(take_text(&mut m, MB_ID, "member id")?, "member id")?,
        name: need(take_text(&mut m, MB_NAME, "member name")?, "member name")?,
        addresses: take_texts(&mut m, MB_ADDRESSES, "address", MAX_ADDRESSES)?,
        consent,
    })
}

fn decode_pickup(v: Value) -> Result<Pickup, String> {
    let mut m = entries(v, "pickup", &[PU_ORDER, PU_STORE, PU_LINES])?;
    Ok(Pickup {
        order_id: need(take_text(&mut m, PU_ORDER, "order id")?, "order id")?,
        store: need(take_text(&mut m, PU_STORE, "store id")?, "store id")?,
        lines: take_lines(&mut m, PU_LINES)?,
    })
}

fn decode_basket(v: Value) -> Result<Basket, String> {
    let mut m = entries(v, "basket", &[BK_LINES])?;
    Ok(Basket {
        lines: take_lines(&mut m, BK_LINES)?,
    })
}

fn decode_coupon(v: Value, not_before: i64, expires: i64) -> Result<Coupon, String> {
    let all = [
        CP_ID,
        CP_AMOUNT_OFF,
        CP_PERCENT_OFF,
        CP_CURRENCY,
        CP_MIN_SPEND,
        CP_SINGLE_USE,
        CP_STORES,
    ];
    let mut m = entries(v, "coupon", &all)?;
    let id = need(take_text(&mut m, CP_ID, "coupon id")?, "coupon id")?;
    let amount = take_uint(&mut m, CP_AMOUNT_OFF, "amount off")?;
    let percent = take_uint(&mut m, CP_PERCENT_OFF, "percent off")?;
    let min = take_uint(&mut m, CP_MIN_SPEND, "minimum spend")?;
    let currency = match take_text(&mut m, CP_CURRENCY, "currency")? {
        Some(_) if amount.is_none() && min.is_none() => {
            return Err("it has a currency but no amount".to_owned());
        }
        Some(code) => {
            let cur = Currency::parse(&code).map_err(|e| e.to_string())?;
            if cur.code() != code {
                return Err(format!(
                    "its currency '{}' is not an upper-case ISO 4217 code",
                    clip(&code)
                ));
            }
            cur
        }
        None => Currency::CNY,
    };
    let money = |minor: u64| -> Result<Money, String> {
        let minor = i64::try_from(minor).map_err(|_| "an amount is too large".to_owned())?;
        Ok(Money::new(minor, currency))
    };
    let value = match (amount, percent) {
        (Some(a), None) => CouponValue::AmountOff(money(a)?),
        (None, Some(p)) => CouponValue::PercentOff(
            u32::try_from(p).map_err(|_| "its percent off is out of range")?,
        ),
        _ => return Err("a coupon needs exactly one of amount off and percent off".to_owned()),
    };
    let min_spend = min.map(money).transpose()?;
    let single_use = match m.remove(&CP_SINGLE_USE) {
        None => false,
        Some(Value::Bool(true)) => true,
        Some(_) => return Err("its single-use mark must be true or left out".to_owned()),
    };
    let stores = take_texts(&mut m, CP_STORES, "store", MAX_STORES)?;
    Ok(Coupon {
        id,
        value,
        min_spend,
        single_use,
        stores,
        not_before,
        expires,
    })
}

/// At most 40 characters of something read from a code, for a message.
pub fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).filter(|c| !c.is_control()).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(consent: bool) -> Envelope {
        Envelope {
            issuer: "hub".into(),
            expires: 2_000_000_000,
            not_before: None,
            issued_at: 1_767_225_600,
            token_id: vec![7; 8],
            code: ShopperCode::Member(Member {
                member_id: "M1".into(),
                name: "Li Wei".into(),
                addresses: vec![],
                consent,
            }),
        }
    }

    #[test]
    fn consent_travels_and_its_absence_is_no_consent() {
        let with = encode(&member(true)).expect("encode");
        let without = encode(&member(false)).expect("encode");
        assert_eq!(decode(&with).expect("decode"), member(true));
        assert_eq!(decode(&without).expect("decode"), member(false));
        // Without consent the claim is left out: the bytes of a code issued before it existed.
        assert_eq!(with.len(), without.len() + 2, "key 4 and `true`: two bytes");
    }

    #[test]
    fn a_consent_mark_other_than_true_is_refused() {
        for mark in [Value::Bool(false), Value::Integer(1.into()), text("yes")] {
            let own = map(vec![
                (MB_ID, text("M1")),
                (MB_NAME, text("Li")),
                (MB_CONSENT, mark),
            ]);
            let payload = ClaimsSetBuilder::new()
                .issuer("hub".to_owned())
                .expiration_time(Timestamp::WholeSeconds(2_000_000_000))
                .issued_at(Timestamp::WholeSeconds(1_767_225_600))
                .cwt_id(vec![7; 8])
                .text_claim("m".to_owned(), own)
                .build()
                .to_vec()
                .expect("cbor");
            let refused = decode(&payload).expect_err("refused");
            assert!(refused.contains("consent"), "{refused}");
        }
    }
}
