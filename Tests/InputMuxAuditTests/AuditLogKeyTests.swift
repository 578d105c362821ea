import Glibc
import InputMuxAuditTestSupport
import InputMuxCore
import Testing

@testable import InputMuxAudit

@Suite struct AuditKeyTests {
    @Test func firstStartMakesA0600KeyInA0700DirectoryAndLaterStartsReadIt() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("state/audit.key")
        let made = try AuditKey.loadOrCreate(at: path)
        #expect(made.bytes.count == AuditKey.byteCount)
        #expect(Set(made.bytes).count > 8)  // random, not a constant
        let st = try #require(try AuditFileIO.linkStatus(path))
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(st.st_uid == geteuid())
        let parent = try #require(try AuditFileIO.linkStatus(dir.file("state")))
        #expect(parent.st_mode & 0o777 == 0o700)
        #expect(try AuditFileIO.linkStatus(path + ".new") == nil)

        let again = try AuditKey.loadOrCreate(at: path)
        #expect(again.bytes == made.bytes)
        #expect(again.redactor(textInClear: false).redact("x") == made.redactor(textInClear: false).redact("x"))
    }

    @Test func groupOrWorldReadableKeyIsRefused() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.key")
        let key = try AuditKey.loadOrCreate(at: path)
        chmod(path, 0o644)
        let error = #expect(throws: AuditKeyError.self) { _ = try AuditKey.loadOrCreate(at: path) }
        #expect(error?.code == .unsafePermissions)
        #expect(error?.description.contains("0644") == true)
        #expect(error?.description.contains("chmod 600 \(path)") == true)
        chmod(path, 0o620)  // group-writable is as bad: the group could swap the key
        #expect(throws: AuditKeyError.self) { _ = try AuditKey.loadOrCreate(at: path) }
        chmod(path, 0o400)
        #expect(try AuditKey.loadOrCreate(at: path).bytes == key.bytes)
    }

    @Test func keyOfAnotherUserIsRefused() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let path = dir.file("audit.key")
        _ = try AuditKey.loadOrCreate(at: path)
        let error = #expect(throws: AuditKeyError.self) { _ = try AuditKey.loadOrCreate(at: path, owner: geteuid() + 1) }
        #expect(error?.code == .wrongOwner)
        #expect(error?.description.contains("chown") == true)
    }

    @Test func symlinkOrShortKeyIsRefused() throws {
        let dir = AuditTempDirectory()
        defer { dir.remove() }
        let real = dir.file("real.key")
        _ = try AuditKey.loadOrCreate(at: real)
        let link = dir.file("link.key")
        symlink(real, link)
        #expect(throws: AuditKeyError.self) { _ = try AuditKey.loadOrCreate(at: link) }

        let short = dir.file("short.key")
        auditWriteFile(short, "0123456789")
        chmod(short, 0o600)
        let error = #expect(throws: AuditKeyError.self) { _ = try AuditKey.loadOrCreate(at: short) }
        #expect(error?.code == .wrongSize)
        #expect(error?.description.contains("holds 10 bytes") == true)
    }
}
