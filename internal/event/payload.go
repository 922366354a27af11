package event

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// payload is implemented by every typed payload: it validates itself and
// names its subject and the account it concerns.
type payload interface {
	validate(c *check, eventType string) (subject Subject, accountID string)
}

type spec struct{ new func() payload }

// specs is the catalogue of event types. A function, not a package
// variable, so that nothing mutable is shared.
func specs() map[string]spec {
	m := map[string]spec{
		"account.upserted":           {func() payload { return new(AccountUpserted) }},
		"listing.upserted":           {func() payload { return new(ListingUpserted) }},
		"listing.reconfirmed":        {func() payload { return new(ListingRef) }},
		"listing.rejected_prescreen": {func() payload { return new(ListingRef) }},
		"message.sent":               {func() payload { return new(MessageSent) }},
		"review.submitted":           {func() payload { return new(ReviewSubmitted) }},
		"verification.changed":       {func() payload { return new(VerificationChanged) }},
		"login":                      {func() payload { return new(AccountSignal) }},
		"device.seen":                {func() payload { return new(AccountSignal) }},
		"payment.failed":             {func() payload { return new(AccountSignal) }},
		"chargeback.received":        {func() payload { return new(AccountSignal) }},
		"dmca.accepted":              {func() payload { return new(AccountSignal) }},
		"hijack.incident":            {func() payload { return new(AccountSignal) }},
		"remedial.completed":         {func() payload { return new(AccountSignal) }},
		"shipment.late":              {func() payload { return new(ShipmentLate) }},
	}
	for _, s := range OrderStatuses() {
		m["order."+s] = spec{func() payload { return new(Order) }}
	}
	return m
}

// Types lists every accepted event type, sorted.
func Types() []string {
	var out []string
	for t := range specs() {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// OrderStatuses are the order lifecycle steps, each an event type "order.<status>".
func OrderStatuses() []string {
	return []string{"created", "paid", "shipped", "delivered", "cancelled", "refunded", "disputed"}
}

// Money is an amount in minor units (cents) and its ISO 4217 currency.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

func (m Money) validate(c *check, field string, required bool) {
	if !required && m == (Money{}) {
		return
	}
	if m.Amount < 0 {
		c.fail(field+".amount", "must not be negative")
	}
	if len(m.Currency) != 3 || strings.ToUpper(m.Currency) != m.Currency || strings.ContainsFunc(m.Currency, func(r rune) bool { return r < 'A' || r > 'Z' }) {
		c.fail(field+".currency", "required, a three-letter ISO 4217 code such as EUR")
	}
}

// AccountUpserted creates or updates an account.
type AccountUpserted struct {
	AccountID string `json:"account_id"`
	Kind      string `json:"kind"` // private | business
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Country   string `json:"country,omitempty"`
	// IDCountry is the country of the identity document, when verified.
	IDCountry string `json:"id_country,omitempty"`
	IP        string `json:"ip,omitempty"`
	DeviceID  string `json:"device_id,omitempty"`
	// PaymentFingerprints identify payment methods (a PSP's card or account
	// fingerprint), never the card number.
	PaymentFingerprints []string `json:"payment_fingerprints,omitempty"`
	// RegisteredAt is when the account was created on the marketplace;
	// defaults to the first event's occurred_at.
	RegisteredAt *time.Time `json:"registered_at,omitempty"`
	DisplayName  string     `json:"display_name,omitempty"`
}

func (p *AccountUpserted) validate(c *check, _ string) (Subject, string) {
	c.id("data.account_id", p.AccountID)
	c.oneOf("data.kind", p.Kind, "private", "business")
	c.maxLen("data.email", p.Email, maxShort)
	if p.Email != "" && !strings.Contains(p.Email, "@") {
		c.fail("data.email", "is not an email address")
	}
	c.maxLen("data.phone", p.Phone, 50)
	c.country("data.country", p.Country)
	c.country("data.id_country", p.IDCountry)
	c.maxLen("data.ip", p.IP, 64)
	c.maxLen("data.device_id", p.DeviceID, maxID)
	c.maxLen("data.display_name", p.DisplayName, maxShort)
	if r := p.RegisteredAt; r != nil && (r.Before(minOccurredAt) || r.UTC().Year() > 9999) {
		c.fail("data.registered_at", "must be between 1970 and 9999")
	}
	if len(p.PaymentFingerprints) > 50 {
		c.fail("data.payment_fingerprints", "more than 50 entries")
	}
	for _, f := range p.PaymentFingerprints {
		c.id("data.payment_fingerprints[]", f)
	}
	return Subject{"account", p.AccountID}, p.AccountID
}

func (c *check) country(field, v string) {
	if v != "" && (len(v) != 2 || strings.ToUpper(v) != v) {
		c.fail(field, "must be an ISO 3166-1 alpha-2 code such as DE")
	}
}

// Location is where a listing is. Street stays private (R-L9).
type Location struct {
	Street   string `json:"street,omitempty"`
	Postcode string `json:"postcode,omitempty"`
	City     string `json:"city,omitempty"`
	Country  string `json:"country,omitempty"`
}

// Image is a listing photo: the URL Vigil fetches it from, or the id of an
// image uploaded with POST /v1/images. Exactly one is set.
type Image struct {
	URL string `json:"url,omitempty"`
	ID  string `json:"id,omitempty"`
}

// Ref is the image's stored reference: its upload id or its URL.
func (im Image) Ref() string {
	if im.ID != "" {
		return im.ID
	}
	return im.URL
}

// ListingUpserted creates or updates a listing.
type ListingUpserted struct {
	ListingID   string         `json:"listing_id"`
	AccountID   string         `json:"account_id"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Price       Money          `json:"price"`
	Category    string         `json:"category"`
	Images      []Image        `json:"images,omitempty"`
	Attributes  map[string]any `json:"attributes,omitempty"`
	Location    *Location      `json:"location,omitempty"`
}

func (p *ListingUpserted) validate(c *check, _ string) (Subject, string) {
	c.id("data.listing_id", p.ListingID)
	c.id("data.account_id", p.AccountID)
	c.text("data.title", p.Title, maxShort)
	c.maxLen("data.description", p.Description, maxText)
	p.Price.validate(c, "data.price", true)
	c.id("data.category", p.Category)
	if len(p.Images) > 100 {
		c.fail("data.images", "more than 100 images")
	}
	for i, im := range p.Images {
		field := fmt.Sprintf("data.images[%d]", i)
		switch {
		case im.URL != "" && im.ID != "":
			c.fail(field, "give either url or id, not both")
		case im.ID != "":
			if !strings.HasPrefix(im.ID, "img_") || len(im.ID) > 100 {
				c.fail(field+".id", "not an uploaded image id (img_…) from POST /v1/images")
			}
		default:
			c.url(field+".url", im.URL)
		}
	}
	if p.Location != nil {
		c.maxLen("data.location.street", p.Location.Street, maxShort)
		c.maxLen("data.location.postcode", p.Location.Postcode, 20)
		c.maxLen("data.location.city", p.Location.City, maxShort)
		c.country("data.location.country", p.Location.Country)
	}
	return Subject{"listing", p.ListingID}, p.AccountID
}

// ListingRef names a listing: listing.reconfirmed (owner confirms it is still
// available) and listing.rejected_prescreen (the marketplace's own filter
// refused it).
type ListingRef struct {
	ListingID string `json:"listing_id"`
	AccountID string `json:"account_id,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

func (p *ListingRef) validate(c *check, _ string) (Subject, string) {
	c.id("data.listing_id", p.ListingID)
	c.optID("data.account_id", p.AccountID)
	c.maxLen("data.reason", p.Reason, maxShort)
	return Subject{"listing", p.ListingID}, p.AccountID
}

// MessageSent is one message of a conversation between two accounts.
type MessageSent struct {
	MessageID      string `json:"message_id"`
	ConversationID string `json:"conversation_id"`
	SenderID       string `json:"sender_id"`
	RecipientID    string `json:"recipient_id"`
	Text           string `json:"text"`
	ListingID      string `json:"listing_id,omitempty"`
}

func (p *MessageSent) validate(c *check, _ string) (Subject, string) {
	c.id("data.message_id", p.MessageID)
	c.id("data.conversation_id", p.ConversationID)
	c.id("data.sender_id", p.SenderID)
	c.id("data.recipient_id", p.RecipientID)
	c.text("data.text", p.Text, maxText)
	c.optID("data.listing_id", p.ListingID)
	return Subject{"message", p.MessageID}, p.SenderID
}

// ReviewSubmitted is a review of one account by another after an order.
type ReviewSubmitted struct {
	ReviewID  string `json:"review_id"`
	OrderID   string `json:"order_id"`
	AuthorID  string `json:"author_id"`
	SubjectID string `json:"subject_id"`
	Rating    int    `json:"rating"`
	Text      string `json:"text"`
}

func (p *ReviewSubmitted) validate(c *check, _ string) (Subject, string) {
	c.id("data.review_id", p.ReviewID)
	c.id("data.order_id", p.OrderID)
	c.id("data.author_id", p.AuthorID)
	c.id("data.subject_id", p.SubjectID)
	if p.Rating < 1 || p.Rating > 5 {
		c.fail("data.rating", "required, an integer from 1 to 5")
	}
	c.maxLen("data.text", p.Text, maxText)
	return Subject{"review", p.ReviewID}, p.AuthorID
}

// Order is the payload of every order.<status> event.
type Order struct {
	OrderID   string `json:"order_id"`
	BuyerID   string `json:"buyer_id"`
	SellerID  string `json:"seller_id"`
	ListingID string `json:"listing_id,omitempty"`
	Amount    Money  `json:"amount"`
	// PaymentFingerprint and ShippingAddressHash let Vigil see several
	// buyers sharing a payment method or an address without seeing either.
	PaymentFingerprint  string `json:"payment_fingerprint,omitempty"`
	ShippingAddressHash string `json:"shipping_address_hash,omitempty"`
	TrackingNumber      string `json:"tracking_number,omitempty"`
	Reason              string `json:"reason,omitempty"`
}

func (p *Order) validate(c *check, _ string) (Subject, string) {
	c.id("data.order_id", p.OrderID)
	c.id("data.buyer_id", p.BuyerID)
	c.id("data.seller_id", p.SellerID)
	c.optID("data.listing_id", p.ListingID)
	p.Amount.validate(c, "data.amount", true)
	c.optID("data.payment_fingerprint", p.PaymentFingerprint)
	c.optID("data.shipping_address_hash", p.ShippingAddressHash)
	c.maxLen("data.tracking_number", p.TrackingNumber, maxID)
	c.maxLen("data.reason", p.Reason, maxShort)
	return Subject{"order", p.OrderID}, p.BuyerID
}

// AccountSignal is the payload of the account-scoped signal events: login,
// device.seen, payment.failed, chargeback.received, dmca.accepted,
// hijack.incident and remedial.completed.
type AccountSignal struct {
	AccountID          string `json:"account_id"`
	OrderID            string `json:"order_id,omitempty"`
	ListingID          string `json:"listing_id,omitempty"`
	SellerID           string `json:"seller_id,omitempty"`
	Amount             *Money `json:"amount,omitempty"`
	IP                 string `json:"ip,omitempty"`
	DeviceID           string `json:"device_id,omitempty"`
	PaymentFingerprint string `json:"payment_fingerprint,omitempty"`
	// Kind qualifies the signal, e.g. the remedial step completed
	// ("shipping_quiz") or the DMCA notice type.
	Kind   string `json:"kind,omitempty"`
	Reason string `json:"reason,omitempty"`
}

func (p *AccountSignal) validate(c *check, eventType string) (Subject, string) {
	c.id("data.account_id", p.AccountID)
	c.optID("data.order_id", p.OrderID)
	c.optID("data.listing_id", p.ListingID)
	c.optID("data.seller_id", p.SellerID)
	if p.Amount != nil {
		p.Amount.validate(c, "data.amount", true)
	}
	c.maxLen("data.ip", p.IP, 64)
	c.optID("data.device_id", p.DeviceID)
	c.optID("data.payment_fingerprint", p.PaymentFingerprint)
	c.maxLen("data.kind", p.Kind, maxID)
	c.maxLen("data.reason", p.Reason, maxShort)
	switch eventType {
	case "device.seen":
		c.required("data.device_id", p.DeviceID)
	case "remedial.completed":
		c.required("data.kind", p.Kind)
	}
	return Subject{"account", p.AccountID}, p.AccountID
}

// ShipmentLate reports an order shipped late or without tracking.
type ShipmentLate struct {
	OrderID     string `json:"order_id"`
	SellerID    string `json:"seller_id"`
	DaysLate    int    `json:"days_late"`
	HasTracking bool   `json:"has_tracking"`
}

func (p *ShipmentLate) validate(c *check, _ string) (Subject, string) {
	c.id("data.order_id", p.OrderID)
	c.id("data.seller_id", p.SellerID)
	if p.DaysLate < 0 {
		c.fail("data.days_late", "must not be negative")
	}
	return Subject{"order", p.OrderID}, p.SellerID
}

// VerificationChanged reports a verification step's new status, from the
// marketplace or its payment service provider.
type VerificationChanged struct {
	AccountID string `json:"account_id"`
	Kind      string `json:"kind"`
	Status    string `json:"status"`
	Provider  string `json:"provider,omitempty"`
}

func (p *VerificationChanged) validate(c *check, _ string) (Subject, string) {
	c.id("data.account_id", p.AccountID)
	// The verification steps behind the seller levels of R-E7.
	c.oneOf("data.kind", p.Kind, "email", "phone", "terms", "identity", "business", "address", "bank", "payment")
	c.oneOf("data.status", p.Status, "verified", "pending", "failed", "lapsed")
	c.maxLen("data.provider", p.Provider, maxID)
	return Subject{"account", p.AccountID}, p.AccountID
}
