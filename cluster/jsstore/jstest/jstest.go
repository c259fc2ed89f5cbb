// Package jstest opens a store.DB over one embedded JetStream node on
// loopback, as `lifeline serve` runs with LIFELINE_BACKEND=nats, for
// tests of packages that run on both backends.
package jstest

import (
	"context"
	"testing"
	"time"

	"lifeline/cluster"
	"lifeline/cluster/jsstore"
	"lifeline/store"
)

// OpenDB starts one embedded node with 8 partitions under a temporary
// directory and returns the store over it; both close when t ends.
func OpenDB(t testing.TB) *store.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	node, err := cluster.Start(ctx, cluster.Options{Name: "solo", Listen: "127.0.0.1:0", StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(node.Close)
	if err := node.WaitJetStream(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := node.Ensure(ctx, cluster.Settings{Partitions: 8}); err != nil {
		t.Fatal(err)
	}
	be, err := jsstore.Open(ctx, node)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenBackend(be, "jetstream", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
