package risk

import "github.com/vigil-ts/vigil/internal/event"

// Role is the part an account plays in an event; one event can update
// several accounts in different roles, such as an order's buyer and seller.
type Role string

// The roles.
const (
	// RoleAccount is the account whose own action or status the event
	// reports: its registration, verification, logins, payment failures,
	// chargebacks, DMCA takedowns, hijack incidents, listings, pre-screen
	// rejections, messages sent and reviews written.
	RoleAccount Role = "account"
	// RoleBuyer is an order's buyer.
	RoleBuyer Role = "buyer"
	// RoleSeller is an order's seller, and the seller of a late shipment.
	RoleSeller Role = "seller"
	// RoleReviewed is the account a review is about.
	RoleReviewed Role = "reviewed"
)

// Touch is one account an event updates, and in which role.
type Touch struct {
	AccountID string
	Role      Role
}

// Touches returns the accounts ev updates, in a stable order: an order
// touches its buyer and its seller, a review its author and the reviewed
// account, every other event the account it concerns. An event that names
// no account (listing.reconfirmed and listing.rejected_prescreen may leave
// account_id out) touches none; the service layer, which knows the
// listing's owner, applies it to the owner as RoleAccount.
func Touches(ev event.Event) []Touch {
	var out []Touch
	add := func(id string, r Role) {
		if id != "" {
			out = append(out, Touch{AccountID: id, Role: r})
		}
	}
	switch p := ev.Payload.(type) {
	case *event.Order:
		add(p.BuyerID, RoleBuyer)
		add(p.SellerID, RoleSeller)
	case *event.ReviewSubmitted:
		add(p.AuthorID, RoleAccount)
		add(p.SubjectID, RoleReviewed)
	case *event.ShipmentLate:
		add(p.SellerID, RoleSeller)
	case *event.MessageSent:
		add(p.SenderID, RoleAccount)
	case *event.AccountUpserted:
		add(p.AccountID, RoleAccount)
	case *event.VerificationChanged:
		add(p.AccountID, RoleAccount)
	case *event.AccountSignal:
		add(p.AccountID, RoleAccount)
	case *event.ListingUpserted:
		add(p.AccountID, RoleAccount)
	case *event.ListingRef:
		add(p.AccountID, RoleAccount)
	}
	return out
}
