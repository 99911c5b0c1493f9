/**
 * Heirloom's API and the layers below it: storage decorators, the repository, the operations
 * (backup, restore, verify, retention), the {@link dev.heirloom.Heirloom} facade and the scheduler.
 * Storage providers are found with {@link java.util.ServiceLoader}. The compliance evaluation is
 * internal; its results are the exported {@code policy} types. Jackson reads and writes the
 * repository's JSON files, so the packages holding them are open to it.
 */
module dev.heirloom.core {
    requires transitive dev.heirloom.spi;
    requires org.slf4j;
    requires com.fasterxml.jackson.annotation;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.cronutils;
    requires com.google.common;
    requires java.net.http;
    requires java.desktop;
    requires metadata.extractor;
    requires xmpcore;
    requires com.google.crypto.tink;
    requires org.bouncycastle.provider;

    exports dev.heirloom;
    exports dev.heirloom.backup;
    exports dev.heirloom.browse;
    exports dev.heirloom.plan;
    exports dev.heirloom.policy;
    exports dev.heirloom.progress;
    exports dev.heirloom.report;
    exports dev.heirloom.repository;
    exports dev.heirloom.restore;
    exports dev.heirloom.retention;
    exports dev.heirloom.schedule;
    exports dev.heirloom.source;
    exports dev.heirloom.storage;
    exports dev.heirloom.verify;

    opens dev.heirloom.repository to com.fasterxml.jackson.databind;
    opens dev.heirloom.verify to com.fasterxml.jackson.databind;
    opens dev.heirloom.retention to com.fasterxml.jackson.databind;
    opens dev.heirloom.schedule to com.fasterxml.jackson.databind;

    uses dev.heirloom.spi.StorageTargetProvider;
}
