/* uname: what the kernel says it is (Linux's struct utsname, 65-byte fields). */
#ifndef ELK_INC_UTSNAME_H
#define ELK_INC_UTSNAME_H

#define UTSNAME_LEN 65

struct utsname {
	char sysname[UTSNAME_LEN];
	char nodename[UTSNAME_LEN];
	char release[UTSNAME_LEN];
	char version[UTSNAME_LEN];
	char machine[UTSNAME_LEN];
	char domainname[UTSNAME_LEN];
};

#endif
