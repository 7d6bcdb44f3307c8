import { ApiProperty } from '@nestjs/swagger';

/** The answer of a soft delete, as API.md gives it. */
export class DeletedResponseDto {
  @ApiProperty({ example: 'Deleted successfully' }) message: string;
}
