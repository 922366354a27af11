package console

import (
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/vigil-ts/vigil/internal/event"
)

// contentImage is a picture of a listing as the "content-images" partial
// shows it: blurred until revealed when the viewer's settings say so.
type contentImage struct {
	URL string
	// Alt describes it for people who cannot see it: which picture of
	// which listing (the marketplace sends no description of its own).
	Alt string
}

// contentImages are a listing's pictures for a page: those Vigil can show
// and how many it cannot.
type contentImages struct {
	Shown []contentImage
	// Uploaded counts images uploaded as bytes: Vigil keeps their hashes,
	// not their pixels. Insecure counts plain-HTTP URLs, which the
	// console does not load.
	Uploaded, Insecure int
}

// Any reports whether the listing has pictures at all.
func (ci contentImages) Any() bool { return len(ci.Shown)+ci.Uploaded+ci.Insecure > 0 }

// imagesOf reads the pictures of a listing's stored data (data.images), in
// their order, for the listing named title. Only https URLs are shown:
// the console's content security policy loads no other remote images.
func imagesOf(data json.RawMessage, title string) contentImages {
	var d struct{ Images []event.Image }
	_ = json.Unmarshal(data, &d) // validated on the way in
	var out contentImages
	for i, im := range d.Images {
		switch u, err := url.Parse(im.URL); {
		case im.ID != "":
			out.Uploaded++
		case err != nil || u.Scheme != "https" || u.Host == "":
			out.Insecure++
		default:
			alt := fmt.Sprintf("Photo %d of %d of the listing", i+1, len(d.Images))
			if title != "" {
				alt += " “" + title + "”"
			}
			out.Shown = append(out.Shown, contentImage{URL: u.String(), Alt: alt})
		}
	}
	return out
}
