package event

import (
	"strings"
	"unicode"
)

// Identifier kinds: what links accounts to each other (R-F1, R-F5).
const (
	IDEmail   = "email"
	IDPhone   = "phone"
	IDDevice  = "device"
	IDIP      = "ip"
	IDPayment = "payment"
	IDAddress = "address"
)

// Identifier is a contact point, device, IP, payment method or address seen
// for an account.
type Identifier struct {
	AccountID string
	Kind      string
	Value     string
}

// Identifiers returns the normalised identifiers the event reveals.
func (e Event) Identifiers() []Identifier {
	var out []Identifier
	add := func(account, kind, value string) {
		if value = normalise(kind, value); value != "" && account != "" {
			out = append(out, Identifier{AccountID: account, Kind: kind, Value: value})
		}
	}
	switch p := e.Payload.(type) {
	case *AccountUpserted:
		add(p.AccountID, IDEmail, p.Email)
		add(p.AccountID, IDPhone, p.Phone)
		add(p.AccountID, IDIP, p.IP)
		add(p.AccountID, IDDevice, p.DeviceID)
		for _, f := range p.PaymentFingerprints {
			add(p.AccountID, IDPayment, f)
		}
	case *AccountSignal:
		add(p.AccountID, IDIP, p.IP)
		add(p.AccountID, IDDevice, p.DeviceID)
		add(p.AccountID, IDPayment, p.PaymentFingerprint)
	case *Order:
		add(p.BuyerID, IDPayment, p.PaymentFingerprint)
		add(p.BuyerID, IDAddress, p.ShippingAddressHash)
	}
	return out
}

// NormaliseIdentifier returns v as identifiers of kind are stored, so
// that a lookup (such as the console's search by email or phone) compares
// equal to what events recorded; "" when nothing of it is kept.
func NormaliseIdentifier(kind, v string) string { return normalise(kind, v) }

// normalise makes equal identifiers compare equal: emails case-folded,
// phones reduced to their digits (with a leading + kept).
func normalise(kind, v string) string {
	v = strings.TrimSpace(v)
	switch kind {
	case IDEmail:
		return strings.ToLower(v)
	case IDPhone:
		var b strings.Builder
		for i, r := range v {
			if unicode.IsDigit(r) || (r == '+' && i == 0) {
				b.WriteRune(r)
			}
		}
		return b.String()
	case IDIP:
		return strings.ToLower(v)
	}
	return v
}
