package event

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func env(typ, data string) Envelope {
	return Envelope{ID: "e1", Type: typ, OccurredAt: now.Add(-time.Hour), Data: json.RawMessage(data)}
}

func TestParseRejects(t *testing.T) {
	long := strings.Repeat("x", 201)
	cases := []struct {
		name  string
		env   Envelope
		field string
		msg   string
	}{
		{"no id", Envelope{Type: "login", OccurredAt: now, Data: json.RawMessage(`{"account_id":"a"}`)}, "id", "required"},
		{"long id", Envelope{ID: long, Type: "login", OccurredAt: now, Data: json.RawMessage(`{"account_id":"a"}`)}, "id", "longer than 200"},
		{"control chars in id", Envelope{ID: "a\x00b", Type: "login", OccurredAt: now, Data: json.RawMessage(`{"account_id":"a"}`)}, "id", "control"},
		{"no time", Envelope{ID: "e", Type: "login", Data: json.RawMessage(`{"account_id":"a"}`)}, "occurred_at", "required"},
		{"far future", Envelope{ID: "e", Type: "login", OccurredAt: now.Add(48 * time.Hour), Data: json.RawMessage(`{"account_id":"a"}`)}, "occurred_at", "future"},
		{"unknown type", env("listing.exploded", `{}`), "type", `unknown event type "listing.exploded"`},
		{"data not object", env("login", `[1]`), "data", "JSON object"},
		{"data missing", env("login", ``), "data", "required"},
		{"account kind", env("account.upserted", `{"account_id":"a","kind":"alien"}`), "data.kind", `"alien" is not one of private, business`},
		{"account email", env("account.upserted", `{"account_id":"a","kind":"private","email":"nope"}`), "data.email", "not an email"},
		{"account country", env("account.upserted", `{"account_id":"a","kind":"private","country":"Germany"}`), "data.country", "alpha-2"},
		{"listing title", env("listing.upserted", `{"listing_id":"l","account_id":"a","price":{"amount":1,"currency":"EUR"},"category":"c"}`), "data.title", "required"},
		{"listing currency", env("listing.upserted", `{"listing_id":"l","account_id":"a","title":"t","price":{"amount":1,"currency":"euro"},"category":"c"}`), "data.price.currency", "ISO 4217"},
		{"listing negative price", env("listing.upserted", `{"listing_id":"l","account_id":"a","title":"t","price":{"amount":-1,"currency":"EUR"},"category":"c"}`), "data.price.amount", "negative"},
		{"listing price type", env("listing.upserted", `{"listing_id":"l","account_id":"a","title":"t","price":{"amount":"1","currency":"EUR"},"category":"c"}`), "data.price.amount", "integer"},
		{"message text", env("message.sent", `{"message_id":"m","conversation_id":"c","sender_id":"a","recipient_id":"b"}`), "data.text", "required"},
		{"review rating", env("review.submitted", `{"review_id":"r","order_id":"o","author_id":"a","subject_id":"b","rating":6,"text":"x"}`), "data.rating", "1 to 5"},
		{"order amount", env("order.paid", `{"order_id":"o","buyer_id":"a","seller_id":"b"}`), "data.amount.currency", "ISO 4217"},
		{"device.seen device", env("device.seen", `{"account_id":"a"}`), "data.device_id", "required"},
		{"remedial kind", env("remedial.completed", `{"account_id":"a"}`), "data.kind", "required"},
		{"verification status", env("verification.changed", `{"account_id":"a","kind":"identity","status":"maybe"}`), "data.status", "not one of"},
		{"shipment seller", env("shipment.late", `{"order_id":"o"}`), "data.seller_id", "required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.env, now)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("want a FieldError, got %v", err)
			}
			if fe.Field != tc.field || !strings.Contains(fe.Msg, tc.msg) {
				t.Fatalf("got %q: %q, want %q containing %q", fe.Field, fe.Msg, tc.field, tc.msg)
			}
		})
	}
}

func TestParseAcceptsEveryType(t *testing.T) {
	data := map[string]string{
		"account.upserted":           `{"account_id":"a","kind":"business","email":"A@B.de","phone":"+49 151 1234-567","payment_fingerprints":["fp1"]}`,
		"listing.upserted":           `{"listing_id":"l","account_id":"a","title":"Bike","price":{"amount":100,"currency":"EUR"},"category":"bikes","location":{"street":"Hauptstr. 1","country":"DE"}}`,
		"listing.reconfirmed":        `{"listing_id":"l"}`,
		"listing.rejected_prescreen": `{"listing_id":"l","reason":"spam"}`,
		"message.sent":               `{"message_id":"m","conversation_id":"c","sender_id":"a","recipient_id":"b","text":"hi"}`,
		"review.submitted":           `{"review_id":"r","order_id":"o","author_id":"a","subject_id":"b","rating":5,"text":"great"}`,
		"verification.changed":       `{"account_id":"a","kind":"identity","status":"verified"}`,
		"device.seen":                `{"account_id":"a","device_id":"d"}`,
		"remedial.completed":         `{"account_id":"a","kind":"shipping_quiz"}`,
		"shipment.late":              `{"order_id":"o","seller_id":"s","days_late":3}`,
	}
	for _, typ := range Types() {
		d, ok := data[typ]
		switch {
		case ok:
		case strings.HasPrefix(typ, "order."):
			d = `{"order_id":"o","buyer_id":"a","seller_id":"b","amount":{"amount":500,"currency":"EUR"},"payment_fingerprint":"fp"}`
		default:
			d = `{"account_id":"a","ip":"203.0.113.9"}`
		}
		ev, err := Parse(env(typ, d), now)
		if err != nil {
			t.Errorf("%s: %v", typ, err)
			continue
		}
		if ev.Subject.ID == "" || ev.Payload == nil || ev.Hash() == "" {
			t.Errorf("%s: incomplete event %+v", typ, ev)
		}
	}
}

func TestIdentifiersNormalised(t *testing.T) {
	ev, err := Parse(env("account.upserted", `{"account_id":"a","kind":"private","email":" Ana@Example.COM ","phone":"+49 (151) 123-45","device_id":"d1","payment_fingerprints":["fp1"]}`), now)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, id := range ev.Identifiers() {
		got[id.Kind] = id.Value
	}
	want := map[string]string{IDEmail: "ana@example.com", IDPhone: "+4915112345", IDDevice: "d1", IDPayment: "fp1"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestHashIgnoresWhitespaceNotContent(t *testing.T) {
	a, _ := Parse(env("login", `{"account_id":"a"}`), now)
	b, _ := Parse(env("login", `{ "account_id" : "a" }`), now)
	c, _ := Parse(env("login", `{"account_id":"b"}`), now)
	if a.Hash() != b.Hash() || a.Hash() == c.Hash() {
		t.Fatal("hash must follow content, not formatting")
	}
}
