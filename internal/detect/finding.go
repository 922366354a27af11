// Package detect holds Vigil's detectors: pure functions (no I/O) that look
// at a listing, message or review and its context and return findings with
// their evidence (R-P1). What a finding leads to — allow, mask, hold, reject
// — is the policy's business, not the detector's.
package detect

// Finding is one thing a detector found, with the evidence behind it.
type Finding struct {
	// Code is the stable finding code, e.g. "contact.phone",
	// "link.phishing", "price.below_market". Policies and labelled data
	// refer to it, so it never changes meaning.
	Code string `json:"code"`
	// Field is where it was found: "title", "description", "text",
	// "price", "images[2]" …; empty for the entity as a whole.
	Field string `json:"field,omitempty"`
	// Span is the byte range of the evidence in the field's original
	// text, when the finding is about text.
	Span *Span `json:"span,omitempty"`
	// Match is the evidence as it appears in the text ("null eins fünf …").
	Match string `json:"match,omitempty"`
	// Value is the normalised value ("+4915112345678", "paypal-login.xyz",
	// "2500" for a price in minor units).
	Value string `json:"value,omitempty"`
	// Threshold is the limit the value was compared with, in words or
	// numbers ("median 24000, 3.5 MAD below", "0.90").
	Threshold string `json:"threshold,omitempty"`
	// Detail explains the finding to a moderator in one sentence.
	Detail string `json:"detail,omitempty"`
	// Refs are ids of other entities behind the finding (the listing a
	// duplicate copies, the event ids of a burst …).
	Refs []string `json:"refs,omitempty"`
}

// Span is a half-open byte range [Start, End) in a text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}
