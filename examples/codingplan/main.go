// Command codingplan shows the quota of a GLM Coding Plan and what the last
// day used: tokens per model and MCP tool calls. The monitor endpoints are
// experimental (undocumented). With ZAI_API_KEY set to a Coding Plan key it
// asks the real API; without, the built-in fake server.
//
//	go run ./examples/codingplan
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/zai-go/zai"
	"github.com/zai-go/zai/zaitest"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	client, fake, err := zaitest.RealOrFake() // the real API with ZAI_API_KEY, else a fake server
	if err != nil {
		return err
	}
	defer fake.Close()

	quota, err := client.CodingPlan.GetQuota(ctx)
	if err != nil {
		return err
	}
	fmt.Println("plan:", quota.Level)
	for _, l := range quota.Limits {
		reset := l.ResetTime().In(zai.CodingPlanTimeZone).Format("2006-01-02 15:04 MST")
		switch l.Type {
		case zai.QuotaTypeTokens:
			fmt.Printf("  tokens per %-8s %5.1f%% used, resets %s\n", span(l)+":", l.Percentage, reset)
		case zai.QuotaTypeTime:
			fmt.Printf("  tool calls per %s: %d of %d used, resets %s\n", span(l), l.CurrentValue, l.Usage, reset)
			for _, d := range l.UsageDetails {
				fmt.Printf("    %-12s %d\n", d.ModelCode, d.Usage)
			}
		default:
			fmt.Printf("  %s: %.1f%% used\n", l.Type, l.Percentage)
		}
	}

	window := zai.UsageRequest{Start: time.Now().Add(-24 * time.Hour), End: time.Now()}
	models, err := client.CodingPlan.GetModelUsage(ctx, window)
	if err != nil {
		return err
	}
	fmt.Printf("last 24 hours: %d model calls, %d tokens\n", models.TotalUsage.TotalModelCallCount, models.TotalUsage.TotalTokensUsage)
	for _, m := range models.ModelSummaryList {
		fmt.Printf("  %-12s %d tokens\n", m.ModelName, m.TotalTokens)
	}
	tools, err := client.CodingPlan.GetToolUsage(ctx, window)
	if err != nil {
		return err
	}
	for _, s := range tools.ToolSummaryList {
		fmt.Printf("  %-12s %d calls\n", s.ToolCode, s.TotalUsageCount)
	}
	return nil
}

// span names the window of a limit, as far as its unit code is known.
func span(l zai.QuotaLimit) string {
	unit, ok := map[int]string{3: "hour", 5: "month", 6: "week"}[l.Unit]
	switch {
	case !ok:
		return fmt.Sprintf("%d × unit %d", l.Number, l.Unit)
	case l.Number == 1:
		return unit
	}
	return fmt.Sprintf("%d %ss", l.Number, unit)
}
