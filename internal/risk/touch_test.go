package risk

import (
	"reflect"
	"testing"
)

func TestTouches(t *testing.T) {
	b := newBuilder(t)
	order := map[string]any{"order_id": "o1", "buyer_id": "b", "seller_id": "s", "amount": map[string]any{"amount": 100, "currency": "EUR"}}
	signal := map[string]any{"account_id": "a"}
	tests := []struct {
		typ  string
		data map[string]any
		want []Touch
	}{
		{"account.upserted", map[string]any{"account_id": "a", "kind": "private"}, []Touch{{"a", RoleAccount}}},
		{"verification.changed", map[string]any{"account_id": "a", "kind": "phone", "status": "verified"}, []Touch{{"a", RoleAccount}}},
		{"login", signal, []Touch{{"a", RoleAccount}}},
		{"device.seen", map[string]any{"account_id": "a", "device_id": "d"}, []Touch{{"a", RoleAccount}}},
		{"payment.failed", signal, []Touch{{"a", RoleAccount}}},
		{"chargeback.received", signal, []Touch{{"a", RoleAccount}}},
		{"dmca.accepted", signal, []Touch{{"a", RoleAccount}}},
		{"hijack.incident", signal, []Touch{{"a", RoleAccount}}},
		{"listing.upserted", map[string]any{"listing_id": "l", "account_id": "a", "title": "t", "price": map[string]any{"amount": 1, "currency": "EUR"}, "category": "c"}, []Touch{{"a", RoleAccount}}},
		{"listing.rejected_prescreen", map[string]any{"listing_id": "l", "account_id": "a"}, []Touch{{"a", RoleAccount}}},
		{"listing.rejected_prescreen", map[string]any{"listing_id": "l"}, nil},
		{"message.sent", map[string]any{"message_id": "m", "conversation_id": "c", "sender_id": "a", "recipient_id": "r", "text": "hi"}, []Touch{{"a", RoleAccount}}},
		{"order.created", order, []Touch{{"b", RoleBuyer}, {"s", RoleSeller}}},
		{"order.disputed", order, []Touch{{"b", RoleBuyer}, {"s", RoleSeller}}},
		{"review.submitted", map[string]any{"review_id": "r", "order_id": "o", "author_id": "a", "subject_id": "s", "rating": 5, "text": "x"}, []Touch{{"a", RoleAccount}, {"s", RoleReviewed}}},
		{"shipment.late", map[string]any{"order_id": "o", "seller_id": "s", "days_late": 2}, []Touch{{"s", RoleSeller}}},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			b.evs = nil
			b.add(tt.typ, at(0), tt.data)
			if got := Touches(b.evs[0]); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
