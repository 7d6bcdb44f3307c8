import { ApiProperty } from '@nestjs/swagger';

/** The answer of a soft delete, as docs/api.md gives it. */
export class DeletedResponseDto {
  @ApiProperty({ example: 'Deleted successfully' }) message: string;
}
