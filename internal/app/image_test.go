package app_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/detect/imagehash"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

func encodeImage(t *testing.T, img image.Image, asJPEG bool) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	if asJPEG {
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	} else {
		err = png.Encode(&b, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// photoListing is a listing with the given images (each {"id":…} or {"url":…}).
func photoListing(id, acc string, images ...map[string]any) map[string]any {
	l := checkListing(id, acc, "Vintage armchair "+id, 12000, "furniture")
	l["images"] = images
	return l
}

// waitImages polls a listing's images until none is pending.
func waitImages(t *testing.T, s *server, key, listing string) []any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := s.do(t, "GET", "/v1/listings/"+listing+"/images", key, nil).want(t, 200)
		ims := r.Body["images"].([]any)
		if !slices.ContainsFunc(ims, func(im any) bool { return im.(map[string]any)["status"] == "pending" }) {
			return ims
		}
		if time.Now().After(deadline) {
			t.Fatalf("images of %s still pending: %s", listing, r.Raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestReusedPhotos covers R-L4's photo check: uploaded photos are compared
// while the listing is decided; a URL is fetched and hashed by a job off the
// decision path, and a match then holds the listing in a follow-up decision.
func TestReusedPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		photo, other := imagehash.Scene(1, 400, 300), imagehash.Scene(2, 400, 300)
		files := map[string][]byte{
			"/copy.jpg":  encodeImage(t, photo, true), // the same photo, re-encoded
			"/other.png": encodeImage(t, other, false),
			"/text.png":  []byte("this is not an image"),
		}
		// flaky.png fails once, as a busy host does; the job retries it
		// alone, without fetching the others again.
		var flaky, copies atomic.Int32
		host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/flaky.png":
				if flaky.Add(1) == 1 {
					http.Error(w, "busy", http.StatusServiceUnavailable)
					return
				}
				w.Write(encodeImage(t, imagehash.Scene(3, 400, 300), false))
				return
			case "/copy.jpg":
				copies.Add(1)
			}
			b, ok := files[r.URL.Path]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Write(b)
		}))
		t.Cleanup(host.Close)
		s := start(t, db.Dialect, app.Config{AllowPrivateWebhooks: true, Workers: 2})
		mp, key := s.tenant(t, "Alpha")
		_, keyB := s.tenant(t, "Beta")
		ctx := context.Background()
		upload := func(key string, b []byte) response {
			return s.doH(t, "POST", "/v1/images", key, string(b), map[string]string{"Content-Type": "image/png"})
		}

		up := upload(key, encodeImage(t, photo, false)).want(t, 201)
		id := up.Body["id"].(string)
		if up.Body["width"] != 400.0 || up.Body["content_type"] != "image/png" {
			t.Fatalf("upload: %s", up.Raw)
		}
		if again := upload(key, encodeImage(t, photo, false)).want(t, 200); again.Body["id"] != id {
			t.Fatalf("same bytes, new id: %s", again.Raw)
		}
		upload(key, []byte("GIF? no, plain text")).problem(t, 422, "not a JPEG, PNG, GIF or WebP image")

		first := s.do(t, "POST", "/v1/checks/listing", key, photoListing("l1", "u1", map[string]any{"id": id})).want(t, 200)
		if first.Body["outcome"] != "approved" {
			t.Fatalf("first use of a photo: %s", first.Raw)
		}
		// The seller's own photo on another listing is not a reuse.
		if own := s.do(t, "POST", "/v1/checks/listing", key, photoListing("l2", "u1", map[string]any{"id": id})).want(t, 200); slices.Contains(codes(own), "duplicate.image") {
			t.Fatalf("own photo flagged: %s", own.Raw)
		}
		// Another seller uploads a re-encoded copy: found while deciding.
		copyID := upload(key, files["/copy.jpg"]).want(t, 201).Body["id"].(string)
		dup := s.do(t, "POST", "/v1/checks/listing", key, photoListing("l3", "u2", map[string]any{"id": copyID})).want(t, 200)
		if dup.Body["outcome"] != "pending_review" || !slices.Contains(codes(dup), "duplicate.image") {
			t.Fatalf("reused upload: %s", dup.Raw)
		}
		f := dup.Body["findings"].([]any)[0].(map[string]any)
		if refs := f["refs"].([]any); f["field"] != "images[0]" || len(refs) != 2 || refs[0] != "l1" || refs[1] != "l2" {
			t.Fatalf("evidence: %v", f)
		}
		// Another tenant's photos are not compared, and its ids do not resolve.
		s.do(t, "POST", "/v1/checks/listing", keyB, photoListing("b1", "u2", map[string]any{"id": id})).problem(t, 422, "no uploaded image has this id")
		if b := s.do(t, "POST", "/v1/checks/listing", keyB, photoListing("b2", "u9", map[string]any{"id": upload(keyB, files["/copy.jpg"]).Body["id"]})).want(t, 200); b.Body["outcome"] != "approved" {
			t.Fatalf("cross-tenant comparison: %s", b.Raw)
		}

		// By URL: decided at once without the photo, held when the job finds the copy.
		byURL := s.do(t, "POST", "/v1/checks/listing", key, photoListing("l4", "u3", map[string]any{"url": host.URL + "/copy.jpg"},
			map[string]any{"url": host.URL + "/missing.jpg"}, map[string]any{"url": host.URL + "/text.png"}, map[string]any{"url": host.URL + "/flaky.png"})).want(t, 200)
		if byURL.Body["outcome"] != "approved" {
			t.Fatalf("decision waited for or used an unfetched photo: %s", byURL.Raw)
		}
		ims := waitImages(t, s, key, "l4")
		if st := ims[0].(map[string]any); st["status"] != "hashed" {
			t.Fatalf("copy.jpg: %v", st)
		}
		for i, want := range []string{"404 Not Found", "unknown format"} {
			if st := ims[i+1].(map[string]any); st["status"] != "failed" || !bytes.Contains([]byte(st["error"].(string)), []byte(want)) {
				t.Fatalf("image %d: %v, want failed with %q", i+1, st, want)
			}
		}
		var jobs int
		if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE kind = 'image_hash_batch'`).Scan(&jobs); err != nil || jobs != 1 {
			t.Fatalf("%d hashing jobs (%v) for one listing's four URLs, want one", jobs, err)
		}
		if st := ims[3].(map[string]any); st["status"] != "hashed" || flaky.Load() != 2 || copies.Load() != 1 {
			t.Fatalf("flaky.png: %v after %d fetches (copy.jpg fetched %d times), want hashed on the second, copy.jpg once", st, flaky.Load(), copies.Load())
		}
		var followUp store.Decision
		deadline := time.Now().Add(10 * time.Second)
		for {
			ds, err := s.DB.Decisions(ctx, store.DecisionsQuery{MarketplaceID: mp, SubjectType: "listing", SubjectID: "l4"})
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) == 2 {
				followUp = ds[0]
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no follow-up decision for l4: %+v", ds)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if followUp.Kind != "listing_followup" || followUp.Outcome != "pending_review" || !bytes.Contains(followUp.Findings, []byte(`"duplicate.image"`)) {
			t.Fatalf("follow-up: %+v %s", followUp, followUp.Findings)
		}
		if st, err := s.DB.ListingState(ctx, mp, "l4"); err != nil || st.Status != "pending_review" {
			t.Fatalf("l4 status after the match: %+v %v", st, err)
		}
		if items := held(t, s, mp); !slices.ContainsFunc(items, func(c cases.View) bool { return c.Target.ID == "l4" && c.DecisionID == followUp.ID }) {
			t.Fatalf("case for l4: %+v", items)
		}

		// Ingested listings get their photos hashed too, and the same URL
		// on a later listing is known without fetching it again.
		s.do(t, "POST", "/v1/events", key, batch(ev("e1", "listing.upserted", photoListing("l5", "u4", map[string]any{"url": host.URL + "/other.png"})))).want(t, 200)
		if ims := waitImages(t, s, key, "l5"); ims[0].(map[string]any)["status"] != "hashed" {
			t.Fatalf("ingested listing's photo: %v", ims)
		}
		delete(files, "/other.png")
		s.do(t, "POST", "/v1/events", key, batch(ev("e2", "listing.upserted", photoListing("l6", "u5", map[string]any{"url": host.URL + "/other.png"})))).want(t, 200)
		if ims := waitImages(t, s, key, "l6"); ims[0].(map[string]any)["status"] != "hashed" {
			t.Fatalf("known URL fetched again: %v", ims)
		}
		s.do(t, "GET", "/v1/listings/nope/images", key, nil).want(t, 404)
		s.do(t, "POST", "/v1/checks/listing", key, photoListing("l7", "u1", map[string]any{"url": "ftp://x/y.jpg"})).problem(t, 422, "images[0].url")
	})
}
