#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "notice.h"

static int write_all(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int keyfile_generate(const char *path)
{
	uint8_t key[PROTO_KEY_LEN];
	int fd, rc = -1;

	if (vc_random(key, sizeof(key)) != 0) {
		notice("cannot get random bytes: %s", vc_last_error());
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		notice("cannot create key file %s: %s%s", path,
		       strerror(errno),
		       errno == EEXIST ? " (refusing to overwrite it)" : "");
		vc_wipe(key, sizeof(key));
		return -1;
	}
	/* The umask may have narrowed the mode; it must not widen it. */
	if (fchmod(fd, 0600) != 0 || write_all(fd, key, sizeof(key)) != 0 ||
	    fsync(fd) != 0)
		notice("cannot write key file %s: %s", path, strerror(errno));
	else
		rc = 0;
	if (close(fd) != 0 && rc == 0) {
		notice("cannot write key file %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(path);
	vc_wipe(key, sizeof(key));
	return rc;
}

int keyfile_load(const char *path, uint8_t key[PROTO_KEY_LEN], char *err,
		 size_t errlen)
{
	uint8_t buf[PROTO_KEY_LEN + 1];
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open key file %s: %s", path,
			 strerror(errno));
		return -1;
	}
	/* As ssh does with private keys: anyone else who can read it, or
	 * its owner, could impersonate every participant. */
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot stat key file %s: %s", path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode) && st.st_uid != geteuid()) {
		snprintf(err, errlen,
			 "key file %s is owned by uid %u, not by you (uid %u): refusing it",
			 path, (unsigned)st.st_uid, (unsigned)geteuid());
		close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
		snprintf(err, errlen,
			 "key file %s has mode %04o: group and others must have no access (chmod 600 %s)",
			 path, (unsigned)(st.st_mode & 07777), path);
		close(fd);
		return -1;
	}
	while (got < sizeof(buf)) {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "cannot read key file %s: %s",
				 path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != PROTO_KEY_LEN) {
		snprintf(err, errlen,
			 "key file %s must hold exactly %d bytes (make one with 'vcrypto-chat keygen FILE')",
			 path, PROTO_KEY_LEN);
		vc_wipe(buf, sizeof(buf));
		return -1;
	}
	memcpy(key, buf, PROTO_KEY_LEN);
	vc_wipe(buf, sizeof(buf));
	return 0;
}
