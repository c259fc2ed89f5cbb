package admin

import (
	"context"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/apierr"
	"lifeline/admin/reqbody"
)

// Permissions of incident work. A crisis team gives them apart: the
// person who opens an incident need not be the one who approves what is
// sent to a million people, nor the one who corrects answers. A token or
// account with no list (null) has them all if it is an admin's, none
// otherwise; a list, even empty, grants exactly what it names. The role
// still decides which routes a principal reaches at all: a permission
// narrows an admin, and gives an integration token only "drills" (its
// broadcasts may then be drills).
const (
	PermIncidents = "incidents" // open, change and close real incidents, and change their FAQ overlay
	PermDrills    = "drills"    // the same for drill incidents, and send drill broadcasts
	PermApprove   = "approve"   // approve or reject a broadcast another admin created
	PermCorrect   = "correct"   // create and send corrections of FAQ answers
)

// Permissions lists every permission, in the order the API documents them.
var Permissions = []string{PermIncidents, PermDrills, PermApprove, PermCorrect}

// permWhat says what a permission lets one do, for refusals.
var permWhat = map[string]string{
	PermIncidents: "open, change or close an incident",
	PermDrills:    "run a drill",
	PermApprove:   "approve or reject a broadcast",
	PermCorrect:   "correct an FAQ answer",
}

// checkPermissions validates a list from a request: nil stays nil (the
// role's default), the rest is sorted without repeats.
func checkPermissions(ps []string) ([]string, error) {
	if ps == nil {
		return nil, nil
	}
	out := []string{}
	for _, p := range ps {
		if !slices.Contains(Permissions, p) {
			return nil, reqbody.Invalidf(`"permissions": unknown permission %q: want any of %s`, p, strings.Join(Permissions, ", "))
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Effective is what p may do of incident work.
func (p Principal) Effective() []string {
	if p.Permissions == nil {
		if p.Role == RoleAdmin {
			return slices.Clone(Permissions)
		}
		return []string{}
	}
	return slices.Clone(p.Permissions)
}

// May reports whether p holds perm.
func (p Principal) May(perm string) bool { return slices.Contains(p.Effective(), perm) }

// errLacks is the 403 for a principal without perm.
func errLacks(p Principal, perm string) error {
	who := p.Name
	if who == "" {
		who = p.ID
	}
	return apierr.Forbiddenf("%s may not %s: it lacks the %q permission (an admin grants it with \"permissions\" on the token or account)",
		who, permWhat[perm], perm)
}

// allow checks perm for the request's principal (set by require).
func allow(c *fiber.Ctx, perm string) error {
	if p := principal(c); !p.May(perm) {
		return errLacks(p, perm)
	}
	return nil
}

// permit is a route's check of a fixed permission, after require.
func permit(perm string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := allow(c, perm); err != nil {
			return err
		}
		return c.Next()
	}
}

// incidentPerm is the permission that changes an incident: drills apart.
func incidentPerm(drill bool) string {
	if drill {
		return PermDrills
	}
	return PermIncidents
}

// permitIncident checks, after require, the permission the incident in
// the route's :id needs; an incident that does not exist passes, for the
// handler to answer 404.
func (s *Server) permitIncident(c *fiber.Ctx) error {
	in, err := s.incidents.Get(c.UserContext(), c.Params("id"))
	if err == nil {
		if err := allow(c, incidentPerm(in.Drill)); err != nil {
			return err
		}
	}
	return c.Next()
}

// drillBroadcast reports whether a broadcast naming incident (maybe
// none) and asking for drill is a drill: a drill incident makes it one.
func (s *Server) drillBroadcast(ctx context.Context, drill bool, inc string) bool {
	if drill || inc == "" || s.incidents == nil {
		return drill
	}
	in, err := s.incidents.Get(ctx, inc)
	return err == nil && in.Drill
}

// permDetail is an audit entry's note of a stored permission list.
func permDetail(ps []string) string {
	if ps == nil {
		return ""
	}
	return " permissions=" + strings.Join(ps, ",")
}
