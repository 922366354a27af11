package console

import (
	"context"
	"net/http"
	"strings"

	"github.com/vigil-ts/vigil/internal/user"
)

// Each user's own settings (moderator wellbeing): images in reported and
// held content blurred until revealed, and optionally grayscale. They
// apply to every page through classes on <body>, which console.css reads.

// settingsData is the settings page.
type settingsData struct {
	Settings user.Settings
}

// settingsPage shows the viewer's settings.
func (c *server) settingsPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	st, err := c.d.Users.Settings(r.Context(), v.user.ID)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "settings", settingsData{Settings: st})
}

// saveSettings stores the form's settings for the viewer: a checkbox
// left unticked is sent as nothing, so it turns its setting off.
func (c *server) saveSettings(w http.ResponseWriter, r *http.Request, v *viewer) error {
	st := user.Settings{BlurImages: r.PostFormValue("blur_images") == "on", Grayscale: r.PostFormValue("grayscale") == "on"}
	if err := c.d.Users.SaveSettings(r.Context(), v.user.ID, st); err != nil {
		return err
	}
	return done(w, r, v, "settings", "settings-saved")
}

// bodyClasses are the classes on a logged-in user's <body> that apply
// their settings: images-blurred or images-clear, and images-grayscale.
// Should the settings not load, the page still shows with the defaults
// (blurred): a display preference is not worth an error page.
func (c *server) bodyClasses(ctx context.Context, v *viewer) string {
	st, err := c.d.Users.Settings(ctx, v.user.ID)
	if err != nil {
		c.d.Log.WarnContext(ctx, "console: loading settings", "user", v.user.ID, "err", err)
		st = user.DefaultSettings()
	}
	classes := []string{"images-clear"}
	if st.BlurImages {
		classes[0] = "images-blurred"
	}
	if st.Grayscale {
		classes = append(classes, "images-grayscale")
	}
	return strings.Join(classes, " ")
}
