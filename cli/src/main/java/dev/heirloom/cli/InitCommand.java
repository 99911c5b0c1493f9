package dev.heirloom.cli;

import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.OptionSpec;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.StorageTarget;
import dev.heirloom.spi.StorageTargetProvider;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.storage.ProviderRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code heirloom init}: asks for the photo folder and each target, checks that each target can be
 * reached and written (a probe object written, read back and deleted), and writes a commented
 * configuration. Medium and site are asked, never guessed. Secrets are written as
 * {@code ${env:NAME}}, never as typed values.
 */
@Command(name = "init", description = "Ask for the photo folder and the targets, check each target can be written, and "
        + "write a commented configuration (default: ~/.config/heirloom/heirloom.yaml).")
final class InitCommand extends HeirloomCli.Common implements Callable<Integer> {
    @Option(names = "--force", description = "replace an existing configuration file")
    boolean force;

    private BufferedReader in;
    private PrintWriter out;

    /** A target as the user described it. */
    /**
     * @param passphraseVariable the environment variable of an encrypted target's passphrase, {@code none}, or null (not asked)
     * @param immutableDays      how long its files are locked, 0 for not at all (asked only where the store can lock)
     */
    private record Answer(String name, String where, Medium medium, boolean offsite, Map<String, String> options,
                          String passphraseVariable, int immutableDays) {
    }

    @Override
    public Integer call() throws IOException {
        out = out();
        in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Path file = config != null ? config : standardConfigFile();
        if (Files.exists(file) && !force) {
            throw new InvalidConfigException(file + " exists; give another -c FILE, or --force to replace it");
        }
        out.println("Heirloom keeps your photos under the 3-2-1 rule: 3 copies (your folder counts), on 2 kinds of media,");
        out.println("1 of them offsite. Answer a few questions; Ctrl-D stops without writing anything.");
        Path source = askFolder();
        ProviderRegistry registry = ProviderRegistry.load();
        List<Answer> targets = new ArrayList<>();
        while (true) {
            Answer a = askTarget(targets.size() + 1, registry,
                    targets.stream().map(Answer::name).collect(java.util.stream.Collectors.toSet()));
            if (a == null) {
                break;
            }
            targets.add(a);
        }
        if (targets.isEmpty()) {
            out.println("No target given: nothing written.");
            return HeirloomCli.USAGE;
        }
        Policy policy = askPolicy();
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".init-tmp");
        Files.writeString(tmp, yaml(source, policy, targets));
        try {
            ConfigFile.load(tmp).build().close(); // what was written reads back as a configuration
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        out.println("Wrote " + file + ". Next: heirloom plan -c " + file + "   (what a backup would copy, and whether "
                + policy + " can be met)");
        out.println("      then: heirloom backup -c " + file);
        return HeirloomCli.OK;
    }

    private String ask(String prompt, String dflt) throws IOException {
        out.print(prompt);
        out.flush();
        String line = in.readLine();
        if (line == null) {
            throw new InvalidConfigException("stopped: nothing written");
        }
        line = line.trim();
        return line.isEmpty() && dflt != null ? dflt : line;
    }

    private Policy askPolicy() throws IOException {
        while (true) {
            try {
                return Policy.parse(ask("Policy, copies-media-offsite [3-2-1]: ", "3-2-1"));
            } catch (IllegalArgumentException e) {
                out.println("  " + e.getMessage());
            }
        }
    }

    private Path askFolder() throws IOException {
        while (true) {
            String answer = ask("Photo folder: ", null);
            Path p = Path.of(answer.replaceFirst("^~(?=/|$)", System.getProperty("user.home"))).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
                return p;
            }
            out.println("  " + p + " is not a folder; give the folder that holds your photos.");
        }
    }

    /** One target, checked; null when the user is done. */
    private Answer askTarget(int n, ProviderRegistry registry, java.util.Set<String> taken) throws IOException {
        while (true) {
            String where = ask("Target " + n + ": a folder (USB disk, mounted NAS) or a URI (sftp://user@nas/photos, "
                    + "s3://bucket/prefix, gs://, azure://, vfs+ftp://...); empty when done: ", "");
            if (where.isEmpty()) {
                return null;
            }
            URI uri = where.contains("://") ? URI.create(where) : Path.of(where).toAbsolutePath().normalize().toUri();
            StorageTargetProvider provider;
            try {
                provider = registry.provider(uri.getScheme());
            } catch (RuntimeException e) {
                out.println("  " + e.getMessage());
                continue;
            }
            String name = ask("  Name (short, e.g. usb, nas, cloud): ", null);
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}") || taken.contains(name)) {
                out.println("  a name is 1-64 letters, digits, '.', '_' or '-', and one of its own");
                continue;
            }
            Medium medium;
            try {
                medium = Medium.parse(ask("  Medium (internal-disk, external-disk, nas, cloud, optical, tape): ", null));
            } catch (IllegalArgumentException e) {
                out.println("  " + e.getMessage());
                continue;
            }
            String site = ask("  Is it kept in another building (offsite)? (yes/no): ", null).toLowerCase(Locale.ROOT);
            if (!site.equals("yes") && !site.equals("no")) {
                out.println("  answer yes or no");
                continue;
            }
            String passphraseVariable = site.equals("yes") ? askEncryption() : null;
            Map<String, String> options = askOptions(provider);
            if (uri.getScheme().equals("file")) {
                Files.createDirectories(Path.of(uri));
            }
            Probe probe = probe(registry, new TargetConfig(uri, options));
            if (probe.problem() != null) {
                out.println("  cannot write there: " + probe.problem() + "; let us try again.");
                continue;
            }
            out.println("  " + name + ": reached and written.");
            int days = probe.objectLock() ? askImmutableDays() : 0;
            return new Answer(name, uri.getScheme().equals("file") ? Path.of(uri).toString() : where, medium,
                    site.equals("yes"), options, passphraseVariable, days);
        }
    }

    /** For a store that can lock objects: for how many days its files are locked, 0 for none. */
    private int askImmutableDays() throws IOException {
        while (true) {
            String answer = ask("  This store can lock files so that nobody (ransomware, a stolen key) can delete them. Lock "
                    + "each for how many days [30], or 0 for no lock? ", "30");
            if (answer.matches("\\d{1,4}") && Integer.parseInt(answer) <= dev.heirloom.repository.Immutability.MAX_DAYS) {
                int days = Integer.parseInt(answer);
                if (days > 0) {
                    out.println("  A locked file is kept, and paid for, until its lock runs out, even after prune gives it up; "
                            + "'heirloom extend-locks' (scheduled) keeps locked what the snapshots still need.");
                }
                return days;
            }
            out.println("  give a whole number of days from 0 to " + dev.heirloom.repository.Immutability.MAX_DAYS);
        }
    }

    /** For an offsite target: the environment variable that will hold its passphrase, or {@code none}. */
    private String askEncryption() throws IOException {
        while (true) {
            String answer = ask("  Encrypt it (recommended offsite)? The environment variable that will hold its passphrase "
                    + "[HEIRLOOM_PASSPHRASE], or none: ", "HEIRLOOM_PASSPHRASE");
            if (answer.equals("none")) {
                return answer;
            }
            if (ConfigValues.ENV.matcher("${env:" + answer + "}").matches()) {
                out.println("  Set " + answer + " before each run, and keep the passphrase somewhere else too: without it "
                        + "nothing on this target can be restored.");
                return answer;
            }
            out.println("  give a variable name (letters, digits, _) or none; the passphrase itself never goes in the file");
        }
    }

    private Map<String, String> askOptions(StorageTargetProvider provider) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        List<OptionSpec> specs = provider.options();
        if (specs.isEmpty()) {
            return options;
        }
        out.println("  Options of " + provider.scheme() + " targets (name=value, one per line, empty when done; secrets "
                + "as ${env:NAME}):");
        for (OptionSpec o : specs) {
            out.println("    " + o.name() + (o.secret() ? " (secret)" : "") + ": " + o.description());
        }
        while (true) {
            String line = ask("  option: ", "");
            if (line.isEmpty()) {
                return options;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq).trim();
            OptionSpec spec = specs.stream().filter(o -> o.name().equals(key)).findFirst().orElse(null);
            if (eq < 0 || spec == null) {
                out.println("  give name=value with one of the names above");
                continue;
            }
            String value = line.substring(eq + 1).trim();
            if (spec.secret() && !ConfigValues.ENV.matcher(value).matches()) {
                out.println("  " + key + " is a secret: give it as ${env:NAME} and set NAME in the environment, so that it "
                        + "never lands in the file");
                continue;
            }
            options.put(key, value);
        }
    }

    /** What a probe found: what failed (null when all went well), and whether the store can lock objects. */
    private record Probe(String problem, boolean objectLock) {
    }

    /** Writes, reads back and deletes a probe object, and asks whether the store can lock objects. */
    private static Probe probe(ProviderRegistry registry, TargetConfig config) {
        try (StorageTarget t = registry.open(new TargetConfig(config.uri(), ConfigValues.resolved(config.options(),
                System::getenv, "the option")))) {
            byte[] probe = "heirloom init probe".getBytes(StandardCharsets.UTF_8);
            String key = "init-probe-" + Long.toHexString(System.nanoTime());
            t.write(key, ContentSource.ofBytes(probe), WriteOptions.replace(Checksums.none()));
            try (var back = t.read(key, 0, -1)) {
                if (!java.util.Arrays.equals(back.readAllBytes(), probe)) {
                    return new Probe("what was read back differs from what was written", false);
                }
            }
            t.delete(key);
            return new Probe(null, t.capabilities().objectLock());
        } catch (StorageException | IllegalArgumentException | IOException e) {
            return new Probe(e.getMessage(), false);
        }
    }

    private static String yaml(Path source, Policy policy, List<Answer> targets) {
        StringBuilder y = new StringBuilder();
        y.append("# Written by heirloom init. Check it with: heirloom plan -c THIS_FILE\n");
        y.append("# The photo folder; include/exclude globs may narrow it, e.g. exclude: [\"**/.thumbnails/**\"]\n");
        y.append("source: { path: \"").append(source).append("\" }\n");
        y.append("# copies (the folder counts), kinds of media, copies offsite\n");
        y.append("policy: ").append(policy).append("\n");
        y.append("# medium and site are what you said: 3-2-1 is judged on them\n");
        y.append("targets:\n");
        for (Answer a : targets) {
            y.append("  - { name: ").append(a.name()).append(", ");
            y.append(a.where().contains("://") ? "uri: \"" + a.where() + "\"" : "path: \"" + a.where() + "\"");
            y.append(", medium: ").append(a.medium().label()).append(", site: ").append(a.offsite() ? "offsite" : "onsite");
            if (!a.options().isEmpty()) {
                y.append(", options: { ");
                y.append(String.join(", ", a.options().entrySet().stream()
                        .map(e -> e.getKey() + ": \"" + e.getValue() + "\"").toList()));
                y.append(" }");
            }
            if (a.passphraseVariable() != null) {
                y.append(", encryption: ").append(a.passphraseVariable().equals("none") ? "none"
                        : "{ passphrase: \"${env:" + a.passphraseVariable() + "}\" }");
            }
            if (a.immutableDays() > 0) {
                y.append(", immutableDays: ").append(a.immutableDays());
            }
            y.append(" }\n");
        }
        if (targets.stream().anyMatch(a -> a.immutableDays() > 0)) {
            y.append("# locked targets: 'heirloom run' renews the locks the snapshots still need (run it as a service)\n");
            y.append("schedule: { backup: \"0 2 * * *\", extendLocks: \"0 3 * * *\" }\n");
        }
        y.append("# retention: { daily: 7, weekly: 5, monthly: 12, yearly: 10 }   # which snapshots forget keeps\n");
        if (targets.stream().noneMatch(a -> a.immutableDays() > 0)) {
            y.append("# schedule: { backup: \"0 2 * * *\", verify: { when: \"0 4 * * 0\", level: content, sample: 10 } }\n");
        }
        return y.toString();
    }
}
