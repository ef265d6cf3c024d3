# The release and the shared library's ABI version, for the build and install.
VERSION := 1.0
LIB_SOVERSION := 1
LIB_SONAME := libvcrypto.so.$(LIB_SOVERSION)
LIB_REALNAME := $(LIB_SONAME).0.0
