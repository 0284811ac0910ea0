// Internal: every xmlsec1 header signing/ uses, in the one order that compiles. With the
// XMLSEC_NO_SIZE_T build of Debian 12, <xmlsec/xmlsec.h> must come before the others (it defines
// xmlSecSize, which errors.h uses), so source files include this header instead of xmlsec's.
#pragma once

// clang-format off
#include <xmlsec/xmlsec.h>
#include <xmlsec/app.h>
#include <xmlsec/errors.h>
#include <xmlsec/keyinfo.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/parser.h>
#include <xmlsec/templates.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>
// clang-format on
