package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	secretPrefix     = "whsec_"
	secretKeyBytes   = 32
	signatureVersion = "v1"

	headerID        = "webhook-id"
	headerTimestamp = "webhook-timestamp"
	headerSignature = "webhook-signature"
)

var (
	// ErrInvalidSecret is returned when a secret is not "whsec_" followed by
	// a non-empty standard-base64 key.
	ErrInvalidSecret = errors.New("webhook: invalid secret")
	// ErrMissingHeaders is returned by Verify when webhook-id,
	// webhook-timestamp or webhook-signature is absent or empty.
	ErrMissingHeaders = errors.New("webhook: missing signature headers")
	// ErrTimestamp is returned by Verify when webhook-timestamp is malformed
	// or too far from the receiver's clock, which is what stops replays.
	ErrTimestamp = errors.New("webhook: timestamp outside tolerance")
	// ErrSignature is returned by Verify when no v1 signature matches.
	ErrSignature = errors.New("webhook: no matching signature")
)

// NewSecret returns a fresh endpoint secret: "whsec_" followed by 32 random
// bytes in standard base64, the format Standard Webhooks receivers expect.
func NewSecret() (string, error) {
	key := make([]byte, secretKeyBytes)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("webhook: generating secret: %w", err)
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(key), nil
}

// Sign returns the webhook-signature value ("v1," + base64 HMAC-SHA256) for
// the message, signing msgID + "." + unix seconds + "." + body.
func Sign(secret, msgID string, ts time.Time, body []byte) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	return signatureVersion + "," + base64.StdEncoding.EncodeToString(mac(key, msgID, ts.Unix(), body)), nil
}

// Headers returns the headers of a signed delivery: webhook-id,
// webhook-timestamp (unix seconds), webhook-signature — one signature per
// secret, space-separated, so that a receiver rotating its secret accepts
// either — and a JSON Content-Type.
func Headers(secrets []string, msgID string, ts time.Time, body []byte) (http.Header, error) {
	if len(secrets) == 0 {
		return nil, fmt.Errorf("%w: no secret", ErrInvalidSecret)
	}
	sigs := make([]string, len(secrets))
	for i, secret := range secrets {
		var err error
		if sigs[i], err = Sign(secret, msgID, ts, body); err != nil {
			return nil, err
		}
	}
	sig := strings.Join(sigs, " ")
	h := make(http.Header, 4)
	h.Set(headerID, msgID)
	h.Set(headerTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(headerSignature, sig)
	h.Set("Content-Type", "application/json")
	return h, nil
}

// Verify checks a received webhook the way a receiver should: the timestamp
// must be within tolerance of now in either direction, and at least one of
// the space-separated v1 signatures must match. Failures wrap
// ErrMissingHeaders, ErrTimestamp or ErrSignature; a malformed secret wraps
// ErrInvalidSecret.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	key, err := decodeSecret(secret)
	if err != nil {
		return err
	}
	msgID, rawTS, sigs := h.Get(headerID), h.Get(headerTimestamp), h.Get(headerSignature)
	if msgID == "" || rawTS == "" || sigs == "" {
		return fmt.Errorf("%w: need %s, %s and %s", ErrMissingHeaders, headerID, headerTimestamp, headerSignature)
	}
	ts, err := strconv.ParseInt(rawTS, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q is not unix seconds", ErrTimestamp, rawTS)
	}
	// Comparing against ±tolerance rather than taking an absolute value
	// avoids overflow when Sub saturates on absurd timestamps.
	if skew := now.Sub(time.Unix(ts, 0)); skew > tolerance || skew < -tolerance {
		return fmt.Errorf("%w: %s is %s from now, tolerance %s", ErrTimestamp, rawTS, skew, tolerance)
	}
	want := mac(key, msgID, ts, body)
	// Senders list several signatures while rotating secrets, and may add
	// other schemes (v1a), so skip what we cannot use instead of failing.
	for _, field := range strings.Fields(sigs) {
		version, enc, ok := strings.Cut(field, ",")
		if !ok || version != signatureVersion {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(enc)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrSignature
}

// decodeSecret extracts the HMAC key from a "whsec_" secret.
func decodeSecret(secret string) ([]byte, error) {
	enc, ok := strings.CutPrefix(secret, secretPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: missing %q prefix", ErrInvalidSecret, secretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, fmt.Errorf("%w: key is not standard base64: %v", ErrInvalidSecret, err)
	}
	if len(key) == 0 {
		return nil, fmt.Errorf("%w: empty key", ErrInvalidSecret)
	}
	return key, nil
}

// mac computes the HMAC-SHA256 of the Standard Webhooks signed content.
func mac(key []byte, msgID string, unix int64, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msgID))
	m.Write([]byte{'.'})
	m.Write(strconv.AppendInt(nil, unix, 10))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}
