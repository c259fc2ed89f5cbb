package main

import (
	"math"
	"strings"
	"testing"
	"time"
)

// modelRun is a run of n nats instances that took replies in a 10 s
// window with each instance using the CPU in perInstance.
func modelRun(n, rate int, cpus float64, replies int64, perInstance ...time.Duration) clusterRunResult {
	r := clusterRunResult{spec: clusterRunSpec{backend: "nats", instances: n, rate: rate, cpus: cpus},
		window: 10 * time.Second, replies: replies, perInstance: perInstance}
	for _, d := range perInstance {
		r.instCPU += d
	}
	return r
}

// The model is the formula of its comment over the runs it is fitted
// to: e from one capped instance, c(N) and s(N) from the uncapped runs.
func TestCapacityModelPredictsFromTheUncappedRuns(t *testing.T) {
	runs := []clusterRunResult{
		modelRun(1, 30, 0, 300, 6*time.Second),                                                       // c(1) = 20 ms, s = 1
		modelRun(3, 30, 0, 300, 4500*time.Millisecond, 2250*time.Millisecond, 2250*time.Millisecond), // c(3) = 30 ms, s = 0.5
		modelRun(1, 0, 0.25, 100, 2500*time.Millisecond),                                             // 10 replies/s at 0.25 cores
		modelRun(3, 0, 0.25, 150, 2500*time.Millisecond, 2*time.Second, 2*time.Second),               // 15 replies/s
		{spec: clusterRunSpec{backend: "badger", instances: 1, rate: 30}, replies: 300, window: 10 * time.Second, instCPU: time.Second},
	}
	m, ok := fitCapacityModel(runs, costSources[0])
	if !ok {
		t.Fatal("no model from a capped x1 and uncapped runs")
	}
	x3, ok3 := m.predict(3, 0.25, m.eff)
	x38, _ := m.predict(3, 8, m.eff)
	_, ok6 := m.predict(6, 0.25, m.eff)
	fit3, _ := m.effFitting(runs[3])
	cases := []struct {
		label     string
		got, want float64
	}{
		{"e = X(1) · c(1) / C", m.eff, 10 * 0.020 / 0.25},
		{"X(3, 0.25) = C · e / (c(3) · s(3))", x3, 0.25 * 0.8 / (0.030 * 0.5)},
		{"X(3, 8)", x38, 8 * 0.8 / (0.030 * 0.5)},
		{"e fitting the capped x3", fit3, 15 * 0.030 * 0.5 / 0.25},
		{"busiest share", busiestShare(runs[1]), 0.5},
		{"cap used by x3", capUsed(runs[3]), 6.5 / 10 / 0.75},
	}
	for _, c := range cases {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", c.label, c.got, c.want)
		}
	}
	if !ok3 || ok6 {
		t.Errorf("predictions: x3 %v (want true), x6 %v (want false: no uncapped x6)", ok3, ok6)
	}
	var out strings.Builder
	m.print(&out, runs)
	for _, want := range []string{"e = 0.800", "e3 = 0.900 fitted on nats x3",
		"| nats x3 | 30.00 ms | 0.50 | 30 msg/s, kept up | 15.0 | 13.3 | 0.89 | 15.0 | 1.00 | 43.33 ms | 87% | 0.900 |",
		"deployment, e (cores as fast as this machine's; c(N) uncapped at a rate): X(3, 8) = 8 · 0.800 / (30.00 ms · 0.50) = 427 replies/s (640 if the work were spread evenly)",
		"deployment, e3 (cores as fast as this machine's; c(N) uncapped at a rate): X(3, 8) = 8 · 0.900 / (30.00 ms · 0.50) = 480 replies/s"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the model's output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestCapacityModelNeedsOneCappedAndOneUncappedInstance(t *testing.T) {
	capped := modelRun(1, 0, 0.25, 100, time.Second)
	uncapped := modelRun(1, 30, 0, 300, time.Second)
	for _, c := range []struct {
		label string
		runs  []clusterRunResult
	}{
		{"no capped run", []clusterRunResult{uncapped}},
		{"no uncapped run", []clusterRunResult{capped}},
		{"a capped run without replies", []clusterRunResult{uncapped, modelRun(1, 0, 0.25, 0, time.Second)}},
	} {
		if _, ok := fitCapacityModel(c.runs, costSources[0]); ok {
			t.Errorf("%s: fitted a model", c.label)
		}
	}
	// Each source takes its own uncapped runs.
	full := modelRun(1, 0, 0, 500, 2*time.Second)
	if _, ok := fitCapacityModel([]clusterRunResult{uncapped, capped}, costSources[1]); ok {
		t.Error("a model at full speed fitted on a run at a rate")
	}
	m, ok := fitCapacityModel([]clusterRunResult{uncapped, full, capped}, costSources[1])
	if got := m.cost[1].replies; !ok || got != full.replies {
		t.Errorf("the model at full speed took c(1) from a run of %d replies (fitted %v), want the full-speed run's %d", got, ok, full.replies)
	}
}

// A capped run's capacity is compared with one capped instance, not with
// an uncapped one the sweep ran first.
func TestClusterSummaryComparesCapacityUnderTheSameCap(t *testing.T) {
	runs := []clusterRunResult{
		modelRun(1, 0, 0, 140, time.Second),                              // uncapped x1: 14 replies/s
		modelRun(3, 0, 0, 280, time.Second),                              // uncapped x3: 28
		modelRun(1, 0, 0.25, 70, time.Second),                            // capped x1: 7
		modelRun(3, 0, 0.25, 210, time.Second, time.Second, time.Second), // capped x3: 21
	}
	var out strings.Builder
	printClusterSummary(&out, runs)
	for _, want := range []string{
		"| nats x3, uncapped, full speed, 0 connections | 28 | 3.57 ms |  | 2.00x |",
		"| nats x3, 0.25 cores each, full speed, 0 connections | 21 | 14.29 ms |  | 3.00x |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the summary lacks %q:\n%s", want, out.String())
		}
	}
}
