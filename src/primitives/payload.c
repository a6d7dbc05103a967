/* elad: transaction payloads. */
#include <ela/payload.h>

#include <string.h>

#define MAX_CONTENT (1024u * 1024u)

const char *ela_tx_type_name(uint8_t tx_type)
{
    switch (tx_type) {
    case ELA_TX_COINBASE: return "CoinBase";
    case ELA_TX_REGISTER_ASSET: return "RegisterAsset";
    case ELA_TX_TRANSFER_ASSET: return "TransferAsset";
    case ELA_TX_RECORD: return "Record";
    default: return NULL;
    }
}

bool ela_payload_type_known(uint8_t tx_type)
{
    return tx_type <= ELA_TX_RECORD;
}

void ela_payload_init(ela_payload *p, uint8_t tx_type, uint8_t version)
{
    memset(p, 0, sizeof *p);
    p->tx_type = tx_type;
    p->version = version;
}

bool ela_payload_read(ela_reader *r, ela_payload *out, uint8_t tx_type, uint8_t version)
{
    ela_payload_init(out, tx_type, version);
    bool ok;
    switch (tx_type) {
    case ELA_TX_COINBASE:
        ok = ela_read_varbytes(r, &out->u.coinbase.content, MAX_CONTENT);
        break;
    case ELA_TX_REGISTER_ASSET: {
        ela_payload_register_asset *a = &out->u.register_asset;
        ok = ela_read_varbytes(r, &a->name, ELA_MAX_VAR_STRING) &&
             ela_read_varbytes(r, &a->description, ELA_MAX_VAR_STRING) &&
             ela_read_u8(r, &a->precision) && ela_read_u8(r, &a->asset_type) &&
             ela_read_u8(r, &a->record_type) && ela_read_i64(r, &a->amount) &&
             ela_read_uint168(r, &a->controller);
        break;
    }
    case ELA_TX_TRANSFER_ASSET:
        ok = true;
        break;
    case ELA_TX_RECORD:
        ok = ela_read_varbytes(r, &out->u.record.type, ELA_MAX_VAR_STRING) &&
             ela_read_varbytes(r, &out->u.record.content, MAX_CONTENT);
        break;
    default:
        ok = ela_reader_fail(r, "unknown transaction type");
        break;
    }
    if (!ok)
        ela_payload_clear(out);
    return ok;
}

void ela_payload_write(ela_writer *w, const ela_payload *p)
{
    switch (p->tx_type) {
    case ELA_TX_COINBASE:
        ela_write_varbytes(w, p->u.coinbase.content.data, p->u.coinbase.content.len);
        break;
    case ELA_TX_REGISTER_ASSET: {
        const ela_payload_register_asset *a = &p->u.register_asset;
        ela_write_varbytes(w, a->name.data, a->name.len);
        ela_write_varbytes(w, a->description.data, a->description.len);
        ela_write_u8(w, a->precision);
        ela_write_u8(w, a->asset_type);
        ela_write_u8(w, a->record_type);
        ela_write_i64(w, a->amount);
        ela_write_uint168(w, &a->controller);
        break;
    }
    case ELA_TX_RECORD:
        ela_write_varbytes(w, p->u.record.type.data, p->u.record.type.len);
        ela_write_varbytes(w, p->u.record.content.data, p->u.record.content.len);
        break;
    default:
        break;
    }
}

void ela_payload_clear(ela_payload *p)
{
    switch (p->tx_type) {
    case ELA_TX_COINBASE:
        ela_bytes_clear(&p->u.coinbase.content);
        break;
    case ELA_TX_REGISTER_ASSET:
        ela_bytes_clear(&p->u.register_asset.name);
        ela_bytes_clear(&p->u.register_asset.description);
        break;
    case ELA_TX_RECORD:
        ela_bytes_clear(&p->u.record.type);
        ela_bytes_clear(&p->u.record.content);
        break;
    default:
        break;
    }
    uint8_t t = p->tx_type, v = p->version;
    ela_payload_init(p, t, v);
}

json_t *ela_payload_to_json(const ela_payload *p)
{
    return json_null();
}
