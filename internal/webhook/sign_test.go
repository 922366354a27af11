package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewSecret(t *testing.T) {
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("two secrets are equal")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "whsec_"))
	if !strings.HasPrefix(a, "whsec_") || err != nil || len(key) != 32 {
		t.Fatalf("secret %q: want whsec_ + base64 of 32 bytes (decode err %v, %d bytes)", a, err, len(key))
	}
}

func TestSignKnownAnswer(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
	ts := time.Unix(1700000000, 0)
	body := []byte(`{"event":"listing.flagged","id":42}`)

	m := hmac.New(sha256.New, key)
	m.Write([]byte(`msg_abc.1700000000.{"event":"listing.flagged","id":42}`))
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))

	got, err := Sign(secret, "msg_abc", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
}

// TestSignSpecExample checks the example published with the Standard
// Webhooks specification, so we agree with other implementations.
func TestSignSpecExample(t *testing.T) {
	got, err := Sign(testSecret, "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
}

func TestSignRejectsBadSecret(t *testing.T) {
	for _, secret := range []string{"", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_not*base64"} {
		if _, err := Sign(secret, "msg", time.Unix(1, 0), nil); !errors.Is(err, ErrInvalidSecret) {
			t.Errorf("Sign(secret %q) error = %v, want ErrInvalidSecret", secret, err)
		}
	}
}

func TestHeaders(t *testing.T) {
	ts := time.Unix(1614265330, 0)
	body := []byte(`{"test": 2432232314}`)
	h, err := Headers([]string{testSecret}, "msg_1", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := Sign(testSecret, "msg_1", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"webhook-id":        "msg_1",
		"webhook-timestamp": "1614265330",
		"webhook-signature": sig,
		"Content-Type":      "application/json",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if len(h) != len(want) {
		t.Errorf("got %d headers, want %d: %v", len(h), len(want), h)
	}
}

func TestVerify(t *testing.T) {
	const tolerance = 5 * time.Minute
	sent := time.Unix(1614265330, 0)
	body := []byte(`{"test": 2432232314}`)
	otherSecret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	signed := func(t *testing.T) http.Header {
		h, err := Headers([]string{testSecret}, "msg_1", sent, body)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}

	tests := []struct {
		name   string
		secret string
		edit   func(h http.Header)
		body   string
		now    time.Time
		want   error
	}{
		{name: "good", now: sent},
		{name: "clock skew within tolerance", now: sent.Add(tolerance)},
		{name: "tampered body", body: `{"test": 2432232315}`, now: sent, want: ErrSignature},
		{name: "wrong secret", secret: otherSecret, now: sent, want: ErrSignature},
		{name: "old timestamp", now: sent.Add(tolerance + time.Second), want: ErrTimestamp},
		{name: "future timestamp", now: sent.Add(-tolerance - time.Second), want: ErrTimestamp},
		{name: "garbage timestamp", edit: func(h http.Header) { h.Set("webhook-timestamp", "soon") }, now: sent, want: ErrTimestamp},
		{name: "missing id", edit: func(h http.Header) { h.Del("webhook-id") }, now: sent, want: ErrMissingHeaders},
		{name: "missing timestamp", edit: func(h http.Header) { h.Del("webhook-timestamp") }, now: sent, want: ErrMissingHeaders},
		{name: "missing signature", edit: func(h http.Header) { h.Del("webhook-signature") }, now: sent, want: ErrMissingHeaders},
		{name: "no headers at all", edit: func(h http.Header) { clear(h) }, now: sent, want: ErrMissingHeaders},
		{
			name: "second of several signatures matches",
			edit: func(h http.Header) {
				h.Set("webhook-signature", "v1,bm90IHRoZSBzaWduYXR1cmU= v1a,whatever v1,%%% "+h.Get("webhook-signature"))
			},
			now: sent,
		},
		{
			name: "signature under another version tag",
			edit: func(h http.Header) {
				h.Set("webhook-signature", "v2,"+strings.TrimPrefix(h.Get("webhook-signature"), "v1,"))
			},
			now:  sent,
			want: ErrSignature,
		},
		{
			name: "id changed",
			edit: func(h http.Header) { h.Set("webhook-id", "msg_2") },
			now:  sent,
			want: ErrSignature,
		},
		{name: "malformed verifier secret", secret: "not-a-secret", now: sent, want: ErrInvalidSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := signed(t)
			if tt.edit != nil {
				tt.edit(h)
			}
			s, b := testSecret, body
			if tt.secret != "" {
				s = tt.secret
			}
			if tt.body != "" {
				b = []byte(tt.body)
			}
			err := Verify(s, h, b, tt.now, tolerance)
			if tt.want == nil && err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify error = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestHeadersWhileRotating: a delivery signed with the new and the old
// secret verifies with either, so a receiver can switch at its own pace.
func TestHeadersWhileRotating(t *testing.T) {
	old, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	ts, body := time.Now(), []byte(`{"type":"report.received"}`)
	h, err := Headers([]string{testSecret, old}, "msg_2", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Fields(h.Get("webhook-signature"))); n != 2 {
		t.Fatalf("%d signatures, want 2: %q", n, h.Get("webhook-signature"))
	}
	for _, secret := range []string{testSecret, old} {
		if err := Verify(secret, h, body, ts, time.Minute); err != nil {
			t.Errorf("verify with one of the secrets: %v", err)
		}
	}
	other, _ := NewSecret()
	if err := Verify(other, h, body, ts, time.Minute); !errors.Is(err, ErrSignature) {
		t.Errorf("verify with an unrelated secret: %v", err)
	}
	if _, err := Headers(nil, "msg_3", ts, body); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("no secret: %v", err)
	}
}
