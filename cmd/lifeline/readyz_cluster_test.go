package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/cluster"
)

const severalAdminToken = "several-test-admin-token-0123456789"

// readyz is an instance's /readyz: the status code and the body.
func readyz(t *testing.T, s *servingInstance) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(s.base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("%s /readyz: %v", s.name, err)
	}
	return resp.StatusCode, body
}

// metricsText is an instance's /metrics, read with the admin token.
func metricsText(t *testing.T, s *servingInstance) string {
	t.Helper()
	req, _ := http.NewRequest("GET", s.base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+severalAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s /metrics: %d %s", s.name, resp.StatusCode, b)
	}
	return string(b)
}

// A cluster instance is ready only once it owns its share of the
// partitions: a partition of its share whose lease another holder keeps
// makes /readyz answer 503 once the members settled, naming the
// partition and the holder; released, the instance takes it and is
// ready. A second instance joins: after the handover both are ready,
// each owning exactly its share, and the metrics say so per instance
// and partition.
func TestReadyzOnAClusterSaysWhetherTheInstanceOwnsItsShare(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS node and two servers")
	}
	ctx := context.Background()
	node, err := cluster.Start(ctx, cluster.Options{Name: "ready", Listen: "127.0.0.1:0", StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer node.Close()
	if err := node.WaitJetStream(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := node.Ensure(ctx, cluster.Settings{Partitions: 8}); err != nil {
		t.Fatal(err)
	}
	ls, err := node.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Alone, inst-a's share is every partition; a squatter holds 3.
	squat, err := ls.Acquire(ctx, "partition.3", "squatter", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	graph := whatsapptest.NewServer(t)
	a := startServing(t, "inst-a", node.ClientURL(), graph.URL)
	defer a.inst.close()

	var body map[string]any
	waitUntil(t, 30*time.Second, "inst-a's /readyz to answer 503 for the held partition", func() bool {
		var code int
		code, body = readyz(t, a)
		return code == 503
	})
	reason := fmt.Sprint(body["reason"])
	for _, want := range []string{"owns 7 of its 8 partitions", "partition 3 (held by squatter)"} {
		if !strings.Contains(reason, want) {
			t.Errorf("readyz reason %q does not say %q", reason, want)
		}
	}
	cl, _ := body["cluster"].(map[string]any)
	if cl["member"] != true || cl["settled"] != true || cl["instance"] != "inst-a" {
		t.Errorf("readyz cluster detail %v: want member, settled, instance inst-a", cl)
	}
	if m := metricsText(t, a); !strings.Contains(m, `lifeline_cluster_ready{instance_id="inst-a"} 0`) ||
		!strings.Contains(m, `lifeline_partitions_owned{instance_id="inst-a"} 7`) {
		t.Errorf("metrics while partition 3 is held elsewhere:\n%s", grepLines(m, "lifeline_cluster_ready", "lifeline_partitions_owned"))
	}

	if err := ls.Release(ctx, squat); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 30*time.Second, "inst-a ready once the squatter released partition 3", func() bool {
		code, _ := readyz(t, a)
		return code == 200
	})

	b := startServing(t, "inst-b", node.ClientURL(), graph.URL)
	defer b.inst.close()
	const parts = 8
	waitUntil(t, 30*time.Second, "every partition owned once, by both some", func() bool { return ownedOnce(parts, a, b) })
	for _, s := range []*servingInstance{a, b} {
		waitUntil(t, 30*time.Second, s.name+" ready and settled with both members", func() bool {
			code, body := readyz(t, s)
			cl, _ := body["cluster"].(map[string]any)
			members, _ := cl["members"].([]any)
			return code == 200 && cl["settled"] == true && len(members) == 2
		})
		_, body := readyz(t, s)
		cl := body["cluster"].(map[string]any)
		if fmt.Sprint(cl["share"]) != fmt.Sprint(cl["owned"]) {
			t.Errorf("%s ready with share %v and owned %v", s.name, cl["share"], cl["owned"])
		}
		m := metricsText(t, s)
		id := `instance_id="` + s.name + `"`
		owned := s.nc.parts.Owned()
		checks := []string{
			fmt.Sprintf("lifeline_partitions_owned{%s} %d", id, len(owned)),
			fmt.Sprintf("lifeline_cluster_members{%s} 2", id),
			fmt.Sprintf("lifeline_cluster_member{%s} 1", id),
			fmt.Sprintf("lifeline_cluster_ready{%s} 1", id),
			fmt.Sprintf(`lifeline_partition_owned{%s,partition="%d"} 1`, id, owned[0]),
			fmt.Sprintf(`lifeline_partition_inbox_pending{%s,partition="%d"} 0`, id, owned[0]),
			fmt.Sprintf(`lifeline_partition_outbox_pending{%s,partition="%d"} 0`, id, owned[0]),
			`lifeline_partition_takeover_seconds_count{` + id + `}`,
		}
		for _, want := range checks {
			if !strings.Contains(m, want) {
				t.Errorf("%s metrics lack %q:\n%s", s.name, want, grepLines(m, "lifeline_cluster", "lifeline_partition"))
			}
		}
	}
	// inst-a gave up to inst-b what now maps to inst-b.
	if h := a.nc.parts.Handovers(); h.GaveUp == 0 || h.Took < 8 {
		t.Errorf("inst-a handovers %+v: want at least 8 taken (7, then partition 3) and some given up to inst-b", h)
	}
	if m := metricsText(t, a); !strings.Contains(m, fmt.Sprintf(`lifeline_partition_handovers_total{change="took",instance_id="inst-a"} %d`, a.nc.parts.Handovers().Took)) {
		t.Errorf("inst-a handover metrics:\n%s", grepLines(m, "lifeline_partition_handovers_total"))
	}
}

// grepLines keeps the lines of text that begin with one of prefixes.
func grepLines(text string, prefixes ...string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}
