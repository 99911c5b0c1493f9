package dev.heirloom.cli;

import dev.heirloom.Heirloom;
import dev.heirloom.schedule.JobOutcome;
import dev.heirloom.schedule.JobScheduler;
import dev.heirloom.schedule.ScheduleListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code heirloom run}: the long-lived scheduler process, its output and its notifications. */
@Command(name = "run", description = "Run as a long-lived process: back up, verify and prune on the schedule: section "
        + "of the configuration (catching up once on runs missed while it was down), and back up when new files "
        + "appear if schedule.watch is set. Stops cleanly on SIGTERM or Ctrl-C: the running job is cancelled and "
        + "writes no partial snapshot.")
final class RunCommand extends HeirloomCli.Common implements Callable<Integer> {
    @Option(names = "--stop-grace", paramLabel = "SECONDS", defaultValue = "60",
            description = "on SIGTERM, how long to wait for the running job to wind down (default: ${DEFAULT-VALUE})")
    int stopGrace;

    @Override
    public Integer call() throws InterruptedException {
        ConfigFile.RunSchedule plan = ConfigFile.loadSchedule(configFile());
        Heirloom h = open();
        HeirloomCli.current = null; // run stops its scheduler itself, with its own grace period
        PrintWriter out = out();
        JobScheduler.Builder b = JobScheduler.builder(h).stateFile(plan.stateFile()).stopGrace(Duration.ofSeconds(stopGrace))
                .listener(new ScheduleListener() {
                    private void print(String job, String reason, Instant at) {
                        if (!json) {
                            out.println(at.truncatedTo(ChronoUnit.SECONDS) + " " + job + " started (" + reason + ")");
                            out.flush();
                        }
                    }

                    @Override
                    public void started(String job, String reason, Instant at) {
                        print(job, reason, at);
                        plan.notifier().started(job, reason, at);
                    }

                    @Override
                    public void finished(JobOutcome o) {
                        if (json) {
                            Output.jsonLine(out, "run", o);
                        } else {
                            out.println(o.finished().truncatedTo(ChronoUnit.SECONDS) + " " + o.job() + " " + o.status() + ": " + o.summary());
                        }
                        out.flush();
                        plan.notifier().finished(o);
                        plan.reportHtml().ifPresent(file -> writeReport(h, file, out));
                    }
                });
        plan.jobs().forEach(b::job);
        plan.watch().ifPresent(q -> b.watch("backup", q));
        JobScheduler scheduler = b.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (!json) {
                out.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " stopping: cancelling the running job, if any");
                out.flush();
            }
            scheduler.stop();
            plan.notifier().close(); // what is being sent still goes
            h.close();
            stopped.countDown();
        }, "heirloom-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        if (!json) {
            out.println("heirloom run: " + scheduler.describe() + "; state in " + plan.stateFile());
            out.flush();
        }
        scheduler.start();
        stopped.await();
        return HeirloomCli.OK;
    }

    /** The web page after a job: a failure to write it is said, and the schedule goes on. */
    private void writeReport(Heirloom h, java.nio.file.Path file, PrintWriter out) {
        try {
            ReportCommand.write(h, h.report(), file);
        } catch (RuntimeException e) {
            // on the error stream, so that --json's lines stay JSON
            PrintWriter err = spec.commandLine().getErr();
            err.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " report not written: " + e.getMessage());
            err.flush();
        }
    }
}
