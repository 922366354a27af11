// Package event defines the events a marketplace sends to Vigil (R-T2): the
// envelope, one typed payload per event type, and the validation that
// decides, per item, whether an event is accepted. It is pure: no I/O.
package event

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxBatch is the largest number of events one request may carry (R-T3).
const MaxBatch = 1000

// Limits on field sizes; longer values are rejected, never truncated.
const (
	maxID    = 200
	maxShort = 500
	maxText  = 50_000
)

// Envelope is an event as the marketplace sends it.
type Envelope struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	OccurredAt time.Time       `json:"occurred_at"`
	Data       json.RawMessage `json:"data"`
}

// Subject is the entity an event is about.
type Subject struct {
	Type string // account, listing, message, review, order
	ID   string
}

// Event is a validated event with its typed payload.
type Event struct {
	ID         string
	Type       string
	OccurredAt time.Time
	// Data is the payload as received, compacted.
	Data    []byte
	Subject Subject
	// AccountID is the account the event concerns most (may be empty for
	// listing.reconfirmed, whose owner is known from the listing).
	AccountID string
	// Payload is one of the typed payloads in this package, by Type.
	Payload any
}

// Hash identifies the event's content, to tell a replay from a reused id.
func (e Event) Hash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%d\n", e.Type, e.OccurredAt.UnixMicro())
	h.Write(e.Data)
	return hex.EncodeToString(h.Sum(nil))
}

// FieldError is a validation failure of one field of one event.
type FieldError struct {
	Field string // JSON path, e.g. "data.price.amount"
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Parse validates an envelope and decodes its payload. The error, if any, is
// a *FieldError naming the field at fault.
func Parse(env Envelope, now time.Time) (Event, error) {
	var c check
	c.id("id", env.ID)
	if env.Type == "" {
		c.fail("type", "required")
	}
	if env.OccurredAt.IsZero() {
		c.fail("occurred_at", "required (RFC 3339 timestamp)")
	} else if env.OccurredAt.After(now.Add(24 * time.Hour)) {
		c.fail("occurred_at", "is more than 24 hours in the future")
	} else if env.OccurredAt.Before(minOccurredAt) {
		// A zero time sent with a zone offset ("0001-01-01T00:00:00+01:00")
		// is not IsZero, and before year 0 in UTC it cannot be rendered
		// as JSON again.
		c.fail("occurred_at", "is before 1970-01-01T00:00:00Z")
	}
	if c.err != nil {
		return Event{}, c.err
	}
	spec, ok := specs()[env.Type]
	if !ok {
		return Event{}, &FieldError{Field: "type", Msg: fmt.Sprintf("unknown event type %q (known: %s)", env.Type, strings.Join(Types(), ", "))}
	}
	data := bytes.TrimSpace(env.Data)
	if len(data) == 0 || data[0] != '{' {
		return Event{}, &FieldError{Field: "data", Msg: "required, a JSON object"}
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		return Event{}, &FieldError{Field: "data", Msg: "invalid JSON: " + err.Error()}
	}
	if !utf8.Valid(compact.Bytes()) {
		return Event{}, &FieldError{Field: "data", Msg: "invalid UTF-8"}
	}
	if hasNUL(compact.Bytes()) {
		return Event{}, &FieldError{Field: "data", Msg: `contains a NUL character (\u0000), which text cannot hold`}
	}
	payload := spec.new()
	if err := json.Unmarshal(compact.Bytes(), payload); err != nil {
		return Event{}, decodeError(err)
	}
	subject, account := payload.validate(&c, env.Type)
	if c.err != nil {
		return Event{}, c.err
	}
	return Event{
		ID: env.ID, Type: env.Type, OccurredAt: env.OccurredAt.UTC().Truncate(time.Microsecond),
		Data: compact.Bytes(), Subject: subject, AccountID: account, Payload: payload,
	}, nil
}

// minOccurredAt is the earliest occurred_at accepted.
var minOccurredAt = time.Unix(0, 0)

// hasNUL reports whether valid JSON holds a NUL character: the escape
// \u0000 in a string. The store's text columns (PostgreSQL's) refuse NUL,
// so one such event would fail its whole batch.
func hasNUL(data []byte) bool {
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' {
			continue
		}
		if i+5 < len(data) && data[i+1] == 'u' && string(data[i+2:i+6]) == "0000" {
			return true
		}
		i++ // the escaped character, which may be a backslash
	}
	return false
}

// decodeError turns a JSON type mismatch into a FieldError with the path.
func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &FieldError{Field: "data." + te.Field, Msg: fmt.Sprintf("must be %s, not %s", jsonKind(te.Type.Kind().String()), te.Value)}
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe
	}
	return &FieldError{Field: "data", Msg: err.Error()}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "int", "int64", "int32":
		return "an integer"
	case "bool":
		return "a boolean"
	case "slice":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	}
	return goKind
}

// check collects the first validation failure.
type check struct{ err *FieldError }

func (c *check) fail(field, msg string) {
	if c.err == nil {
		c.err = &FieldError{Field: field, Msg: msg}
	}
}

func (c *check) required(field, v string) {
	if strings.TrimSpace(v) == "" {
		c.fail(field, "required")
	}
}

func (c *check) maxLen(field, v string, n int) {
	if utf8.RuneCountInString(v) > n {
		c.fail(field, fmt.Sprintf("longer than %d characters", n))
	}
}

// id checks a required identifier.
func (c *check) id(field, v string) {
	c.required(field, v)
	c.maxLen(field, v, maxID)
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		c.fail(field, "contains control characters")
	}
}

// optID checks an optional identifier.
func (c *check) optID(field, v string) {
	if v != "" {
		c.id(field, v)
	}
}

func (c *check) oneOf(field, v string, allowed ...string) {
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	if v == "" {
		c.fail(field, "required, one of "+strings.Join(allowed, ", "))
		return
	}
	c.fail(field, fmt.Sprintf("%q is not one of %s", v, strings.Join(allowed, ", ")))
}

func (c *check) text(field, v string, n int) {
	c.required(field, v)
	c.maxLen(field, v, n)
}

// url checks a required absolute http(s) URL.
func (c *check) url(field, v string) {
	c.text(field, v, 2048)
	if c.err != nil {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.fail(field, "not an absolute http or https URL")
	}
}
