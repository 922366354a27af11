package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzNow is the clock of the fuzz targets: fixed, so a failure replays.
var fuzzNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// fuzzBodies are POST /v1/events bodies as marketplaces send them: every
// event type, and the usual mistakes.
var fuzzBodies = []string{
	`{"events":[{"id":"e1","type":"account.upserted","occurred_at":"2026-11-22T10:00:00Z","data":{"account_id":"a","kind":"business","email":"A@B.de","phone":"+49 151 1234-567","payment_fingerprints":["fp1"],"registered_at":"2025-01-02T03:04:05+01:00"}}]}`,
	`{"events":[{"id":"e2","type":"listing.upserted","occurred_at":"2026-11-22T10:00:00.123456789+02:00","data":{"listing_id":"l","account_id":"a","title":"Bike","description":"Gutes Rad, kaum gefahren.","price":{"amount":100,"currency":"EUR"},"category":"bikes","images":[{"url":"https://img.example/1.jpg"},{"id":"img_1"}],"attributes":{"size":28,"colour":"red","extras":[1,2.5,null,true]},"location":{"street":"Hauptstr. 1","postcode":"10115","city":"Berlin","country":"DE"}}}]}`,
	`{"events":[{"id":"e3","type":"listing.reconfirmed","occurred_at":"2026-11-22T10:00:00Z","data":{"listing_id":"l"}},{"id":"e4","type":"listing.rejected_prescreen","occurred_at":"2026-11-22T10:00:00Z","data":{"listing_id":"l","reason":"spam"}}]}`,
	`{"events":[{"id":"e5","type":"message.sent","occurred_at":"2026-11-22T10:00:00Z","data":{"message_id":"m","conversation_id":"c","sender_id":"a","recipient_id":"b","text":"Hallo, noch da? \u00fc \ud83d\ude00","listing_id":"l"}}]}`,
	`{"events":[{"id":"e6","type":"review.submitted","occurred_at":"2026-11-22T10:00:00Z","data":{"review_id":"r","order_id":"o","author_id":"a","subject_id":"b","rating":5,"text":"great"}}]}`,
	`{"events":[{"id":"e7","type":"verification.changed","occurred_at":"2026-11-22T10:00:00Z","data":{"account_id":"a","kind":"identity","status":"verified","provider":"psp"}}]}`,
	`{"events":[{"id":"e8","type":"device.seen","occurred_at":"2026-11-22T10:00:00Z","data":{"account_id":"a","device_id":"d","ip":"203.0.113.9"}},{"id":"e9","type":"remedial.completed","occurred_at":"2026-11-22T10:00:00Z","data":{"account_id":"a","kind":"shipping_quiz"}}]}`,
	`{"events":[{"id":"e10","type":"order.paid","occurred_at":"2026-11-22T10:00:00Z","data":{"order_id":"o","buyer_id":"a","seller_id":"b","amount":{"amount":500,"currency":"EUR"},"payment_fingerprint":"fp","shipping_address_hash":"h"}}]}`,
	`{"events":[{"id":"e11","type":"chargeback.received","occurred_at":"2026-11-22T10:00:00Z","data":{"account_id":"a","order_id":"o","amount":{"amount":500,"currency":"EUR"}}},{"id":"e12","type":"shipment.late","occurred_at":"2026-11-22T10:00:00Z","data":{"order_id":"o","seller_id":"s","days_late":3,"has_tracking":true}}]}`,
	`{"events":[{"id":"e13","type":"login","occurred_at":"2026-11-22T10:00:00Z","data":{"ACCOUNT_ID":"a","account_id":"b"}}]}`,
	`{"events":[{"id":"e14","type":"listing.upserted","occurred_at":"2026-11-22T10:00:00Z","data":{"listing_id":"l","account_id":"a","title":"t","price":{"amount":"1","currency":"EUR"},"category":"c"}}]}`,
	`{"events":[{"id":"","type":"login","occurred_at":"2030-01-01T00:00:00Z","data":[1]},{"id":"e15","type":"nope","occurred_at":"2026-11-22T10:00:00Z","data":{}}]}`,
	`{"events":[{"id":"e16","type":"message.sent","occurred_at":"2026-11-22T10:00:00Z","data":{"message_id":"m","conversation_id":"c","sender_id":"a","recipient_id":"b","text":"a\u0000b"}}]}`,
	`{"events":[{"id":"e17","type":"login","occurred_at":"0001-01-01T00:30:00+01:00","data":{"account_id":"a"}}]}`,
	`{"events":[{"id":"e18","type":"account.upserted","occurred_at":"2026-11-22T10:00:00Z","data":{"account_id":"a","kind":"private","registered_at":"0000-01-01T00:00:00+01:00"}}]}`,
}

// FuzzDecodeEvents decodes a POST /v1/events body the way the API does
// (encoding/json into envelopes) and validates each event with Parse. It
// checks that Parse either accepts an event or names the field at fault,
// that an accepted event holds only what the store can keep (valid UTF-8
// without NUL, times JSON can render), and that re-encoding an accepted
// event — its envelope with the stored data, or its typed payload —
// decodes to the same event.
func FuzzDecodeEvents(f *testing.F) {
	for _, b := range fuzzBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in struct {
			Events []Envelope `json:"events"`
		}
		if json.Unmarshal(body, &in) != nil {
			return
		}
		for i, env := range in.Events {
			if i == 20 {
				break // more of the same costs time and finds nothing new
			}
			checkEnvelope(t, env)
		}
	})
}

func checkEnvelope(t *testing.T, env Envelope) {
	t.Helper()
	ev, err := Parse(env, fuzzNow)
	if err != nil {
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Fatalf("Parse(%+v): error %v is not a *FieldError", env, err)
		}
		switch {
		case fe.Field == "id", fe.Field == "type", fe.Field == "occurred_at", fe.Field == "data", strings.HasPrefix(fe.Field, "data."):
		default:
			t.Fatalf("Parse(%+v): error names field %q", env, fe.Field)
		}
		if fe.Msg == "" {
			t.Fatalf("Parse(%+v): error %q has no message", env, fe.Field)
		}
		return
	}
	if ev.ID != env.ID || ev.Type != env.Type || !ev.OccurredAt.Equal(env.OccurredAt.Truncate(time.Microsecond)) || ev.OccurredAt.Location() != time.UTC {
		t.Fatalf("Parse(%+v) changed the envelope: %+v", env, ev)
	}
	var compact bytes.Buffer
	if len(ev.Data) == 0 || ev.Data[0] != '{' || json.Compact(&compact, ev.Data) != nil || !bytes.Equal(compact.Bytes(), ev.Data) {
		t.Fatalf("Parse(%+v): data %q is not a compact JSON object", env, ev.Data)
	}
	switch ev.Subject.Type {
	case "account", "listing", "message", "review", "order":
	default:
		t.Fatalf("Parse(%+v): subject type %q", env, ev.Subject.Type)
	}
	if strings.TrimSpace(ev.Subject.ID) == "" {
		t.Fatalf("Parse(%+v): no subject id", env)
	}
	storable(t, "event", reflect.ValueOf(ev))

	// The envelope as stored (id, type, time, compacted data), sent again
	// byte for byte: the same event, with the same hash, so a replay is a
	// duplicate. Go's default encoder escapes <, > and & in the data; that
	// changes the bytes and so the hash (which covers the compacted bytes,
	// like key order), not what the event says.
	stored := Envelope{ID: ev.ID, Type: ev.Type, OccurredAt: ev.OccurredAt, Data: ev.Data}
	for _, escapeHTML := range []bool{false, true} {
		again := reencode(t, stored, escapeHTML)
		ev2, err := Parse(again, fuzzNow)
		if err != nil {
			t.Fatalf("accepted %+v, but not re-encoded as %+v: %v", env, again, err)
		}
		sameEvent(t, ev, ev2)
		if !escapeHTML && (!bytes.Equal(ev.Data, ev2.Data) || ev.Hash() != ev2.Hash()) {
			t.Fatalf("data or hash changed on re-encoding %+v: %s", env, ev2.Data)
		}
	}

	// The typed payload encoded on its own: what readers of the stored
	// event decode it to.
	data, err := json.Marshal(ev.Payload)
	if err != nil {
		t.Fatalf("accepted %+v, whose payload does not encode: %v", env, err)
	}
	ev3, err := Parse(Envelope{ID: ev.ID, Type: ev.Type, OccurredAt: ev.OccurredAt, Data: data}, fuzzNow)
	if err != nil {
		t.Fatalf("accepted %+v, but not its payload re-encoded as %s: %v", env, data, err)
	}
	if ev3.Subject != ev.Subject || ev3.AccountID != ev.AccountID || payloadJSON(t, ev3) != string(data) {
		t.Fatalf("payload of %+v re-encoded as %s decodes to %+v", env, data, ev3)
	}

	for _, id := range ev.Identifiers() {
		if id.AccountID == "" || id.Value == "" || normalise(id.Kind, id.Value) != id.Value {
			t.Fatalf("identifier %+v of %+v is not normalised", id, env)
		}
	}
}

// reencode sends an envelope through JSON, as a client repeating it would.
func reencode(t *testing.T, env Envelope, escapeHTML bool) Envelope {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(env); err != nil {
		t.Fatalf("envelope %+v does not encode: %v", env, err)
	}
	var out Envelope
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatalf("envelope %s does not decode: %v", b.Bytes(), err)
	}
	return out
}

// sameEvent checks two events say the same: envelope, subject, payload
// and the data as JSON values.
func sameEvent(t *testing.T, a, b Event) {
	t.Helper()
	var da, db any
	if json.Unmarshal(a.Data, &da) != nil || json.Unmarshal(b.Data, &db) != nil || !reflect.DeepEqual(da, db) ||
		a.ID != b.ID || a.Type != b.Type || !a.OccurredAt.Equal(b.OccurredAt) ||
		a.Subject != b.Subject || a.AccountID != b.AccountID || payloadJSON(t, a) != payloadJSON(t, b) {
		t.Fatalf("re-encoded event differs:\n%+v %s\n%+v %s", a, a.Data, b, b.Data)
	}
}

func payloadJSON(t *testing.T, ev Event) string {
	t.Helper()
	b, err := json.Marshal(ev.Payload)
	if err != nil {
		t.Fatalf("payload of %+v does not encode: %v", ev, err)
	}
	return string(b)
}

// storable checks every string and time reachable from v: strings must be
// valid UTF-8 without NUL (PostgreSQL's text columns refuse NUL), times
// must stay renderable as RFC 3339 in UTC, the way the store reads them
// back.
func storable(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			t.Fatalf("%s = %q cannot be stored", path, s)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			storable(t, path, v.Elem())
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // Data, checked as JSON
		}
		for i := range v.Len() {
			storable(t, path+"[]", v.Index(i))
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			storable(t, path+"{key}", it.Key())
			storable(t, path+"."+it.Key().String(), it.Value())
		}
	case reflect.Struct:
		if tm, ok := v.Interface().(time.Time); ok {
			if y := tm.UTC().Year(); y < 0 || y > 9999 {
				t.Fatalf("%s = %v cannot be rendered in UTC", path, tm)
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				storable(t, path+"."+v.Type().Field(i).Name, v.Field(i))
			}
		}
	}
}
