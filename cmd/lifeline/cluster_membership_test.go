package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestClusterRemovePeerRefusals: what `lifeline cluster remove-peer`
// refuses before it asks the cluster anything. Its removal itself is
// cluster TestRemovePeerPlacesTheStreamsOnTheNodesLeft.
func TestClusterRemovePeerRefusals(t *testing.T) {
	node := map[string]string{"LIFELINE_NATS_NAME": "n2", "LIFELINE_NATS_LISTEN": fmt.Sprintf("127.0.0.1:%d", freePort(t)), "LIFELINE_DATA_DIR": t.TempDir()}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"no name", []string{"remove-peer"}, node, 2, "remove-peer needs the node's name"},
		{"two names", []string{"remove-peer", "n1", "n3"}, node, 2, `unexpected argument "n3"`},
		{"this machine's own node", []string{"remove-peer", "n2"}, node, 1, "n2 is this machine's own node: stop it, then run remove-peer on another machine"},
		{"an external cluster", []string{"remove-peer", "n1"}, map[string]string{"LIFELINE_NATS_URL": "nats://127.0.0.1:4222"}, 1, "nats server raft peer-remove NAME"},
		{"no node runs on this machine", []string{"remove-peer", "--timeout", "300ms", "n1"}, node, 1, "start this machine's node with `lifeline cluster run`"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := runCluster(context.Background(), tc.args, envOf(tc.env), &out, &errb)
			if code != tc.code || !strings.Contains(errb.String(), tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errb.String(), tc.code, tc.want)
			}
		})
	}
}
